// Functions the test pages define on window (test/e2e/pages/*.js); typed loosely on purpose.
declare global {
  interface Window {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    calls: any;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    probes: any;
    pageTrouble(): { errors: string[]; unhandled: string[] };
  }
}
export {};
