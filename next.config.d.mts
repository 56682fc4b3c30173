// Types for importing next.config.mjs from TypeScript (the security-headers test does).
import type { NextConfig } from "next";

export declare const securityHeaders: { key: string; value: string }[];
declare const nextConfig: NextConfig;
export default nextConfig;
