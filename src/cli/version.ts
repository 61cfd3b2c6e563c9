/** Kept in step with package.json's version (a test checks they agree). */
export const VERSION = '0.1.0';
