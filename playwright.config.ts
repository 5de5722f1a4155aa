import { defineConfig } from "@playwright/test";

// Browsers are Debian's (see test/e2e/support); one worker: these machines have 2 cores and
// each test drives a whole browser.
export default defineConfig({
  testDir: "test/e2e",
  testMatch: "**/*.spec.ts",
  workers: 1,
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [["list"], ["html", { open: "never", outputFolder: "artifacts/playwright-report" }]] : "list",
  outputDir: "artifacts/test-results",
});
