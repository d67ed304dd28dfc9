import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Worker-thread and child-process tests share two cores with the compiler tests.
    pool: "forks",
  },
});
