#!/usr/bin/env node
// Entry point of the `readlog` command; the compiled CLI lives in dist/ (built by `npm install`).
import "../dist/main.js";
