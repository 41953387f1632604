// cld3-asm's CommonJS entry, imported by path (see shared/cleaning/language.ts).
declare module 'cld3-asm/dist/cjs/index.js' {
  const cld3: typeof import('cld3-asm');
  export default cld3;
}
