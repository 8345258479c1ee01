// Whether this browser runs WebAssembly SIMD (Chrome 91, Firefox 89, Safari 16.4): it validates
// a 31-byte module using one SIMD instruction. The camera worker and the frame benchmark pick the
// reader build with it.
export const SIMD = WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]));
