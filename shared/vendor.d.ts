// cld3-asm's loader, imported without the runtime (see shared/cleaning/cld3.ts).
declare module 'cld3-asm/dist/cjs/cldLoader.js' {
  export const cldLoader: (asmModule: never) => {
    create(minBytes?: number, maxBytes?: number): import('./cleaning/cld3.js').Cld3;
  };
}

// stopword ships no types: its lists are arrays of words named by ISO 639-3 code.
declare module 'stopword' {
  export const eng: string[];
  export const deu: string[];
  export const fra: string[];
  export const spa: string[];
  export const ita: string[];
  export const por: string[];
  export const nld: string[];
  export const rus: string[];
  export const ara: string[];
  export const fas: string[];
  export const tur: string[];
  export const pol: string[];
  export const swe: string[];
  export const dan: string[];
  export const nob: string[];
  export const ces: string[];
  export const ukr: string[];
}
