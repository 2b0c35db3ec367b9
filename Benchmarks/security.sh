#!/usr/bin/env bash
# Security checks against the live release server (see Benchmarks/proof/security.py): no key, a
# malformed, unknown or revoked key on every keyed route → 401 problem+json; the public balance check
# slows code enumeration with 429 + Retry-After; the request log holds no secret and no full code.
# The role-by-route table is tested in-process (Tests/GoodwillAPITests/AuthorizationTests). GOODWILL_BIN skips the build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/Benchmarks/proof/common.sh"
run_proof_driver security
