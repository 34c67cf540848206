#!/usr/bin/env bash
# Compiles the JNI shim. Called by Maven (process-classes) with: JAVA_HOME HEADER_DIR OUT_DIR.
set -euo pipefail
java_home=$1 header_dir=$2 out_dir=$3
src_dir=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out_dir"
gcc -O2 -Wall -Wextra -Werror -fPIC -shared -std=c11 \
    -I"$java_home/include" -I"$java_home/include/linux" -I"$header_dir" \
    -o "$out_dir/libdrbdnative.so" "$src_dir"/*.c
