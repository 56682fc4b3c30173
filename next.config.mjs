/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Native or Node-only packages are loaded from node_modules at run time, not bundled.
  serverExternalPackages: [
    "better-sqlite3",
    "@prisma/client",
    "@prisma/adapter-better-sqlite3",
    "@node-rs/argon2",
    "ws",
    "pg",
    "pg-cursor",
    "pg-copy-streams",
    "mysql2",
    "kysely",
    "ioredis",
    "node-sql-parser",
  ],
  experimental: {
    optimizePackageImports: ["@mantine/core", "@mantine/hooks", "@tabler/icons-react"],
  },
};

export default nextConfig;
