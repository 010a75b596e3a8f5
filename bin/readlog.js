#!/usr/bin/env -S node --max-semi-space-size=2
// Entry point of the `readlog` command; the compiled CLI lives in dist/ (built by `npm install`).
// A 1 MB young generation keeps an idle server under 100 MB RSS (bench/README.md, "http").
import "../dist/main.js";
