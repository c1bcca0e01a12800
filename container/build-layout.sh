#!/bin/sh
# Lays out the image's /opt/qsvit under ROOT: a Java runtime jlink'ed to the modules jdeps finds the jar needs,
# the jar, and the entrypoint script. Both the Dockerfile's build stage and the Maven build (ROOT =
# container/target/image) run this, so the image and the CI layout are the same files.
# Usage: build-layout.sh QSVIT_JAR ROOT
set -eu
jar=$1
root=$2
here=$(cd "$(dirname "$0")" && pwd)
app="$root/opt/qsvit"
bin=${JAVA_HOME:+$JAVA_HOME/bin/}

# jdeps and jlink take a minute on a large jar: keep a layout built from the same jar
if [ -x "$app/runtime/bin/java" ] && cmp -s "$jar" "$app/lib/qsvit.jar" && cmp -s "$here/bin/qsvit" "$app/bin/qsvit"; then
  echo "build-layout: $app is up to date"
  exit 0
fi
rm -rf "$app"
mkdir -p "$app/bin" "$app/lib"
modules=$("${bin}jdeps" --ignore-missing-deps --print-module-deps --multi-release 17 "$jar")
echo "build-layout: runtime modules $modules"
"${bin}jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 --output "$app/runtime"
cp "$jar" "$app/lib/qsvit.jar"
cp "$here/bin/qsvit" "$app/bin/qsvit"
chmod 755 "$app/bin/qsvit"
