// cld3-asm's loader, imported without the runtime (see shared/cleaning/cld3.ts).
declare module 'cld3-asm/dist/cjs/cldLoader.js' {
  export const cldLoader: (asmModule: never) => {
    create(minBytes?: number, maxBytes?: number): import('./cleaning/cld3.js').Cld3;
  };
}
