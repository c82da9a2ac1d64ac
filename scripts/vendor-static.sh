#!/usr/bin/env bash
# Vendor the browser assets the pages use into static/vendor/, so that no page
# ever loads anything from a CDN (the target intranets are offline).
#
# Usage: bash scripts/vendor-static.sh
#
# Needs node + npm and access to the npm registry. Everything is fetched with
# `npm pack` into a temporary directory (no node_modules, no tarballs in the
# repo); only the files pages need, plus licence files, are copied. Re-running
# replaces static/vendor/{bootstrap,bootstrap-icons,htmx,echarts} and
# static/vendor/README.md and leaves anything else in static/vendor/ alone.
#
# To upgrade a package: change its version below, run the script once with the
# integrity left empty (""), check the diff, then paste the printed integrity.
set -euo pipefail

# name            version   sha512 integrity of the registry tarball
PACKAGES=(
  "bootstrap       5.3.9   sha512-20cU0rcfw8WdxtVbmfU+xT2EjvVTw9Ror/h1Qvd7DXCujRg8OO9mdBCsmTHdJFf3BuadmBNJtgIuUXsBqSkk/w=="
  "bootstrap-icons 1.13.2  sha512-fAU1Ly3dH7hwRg+CB8EZ0Vl0fF80zgXHeUVJyfUOKzoURr+TbwISbCW5tKUoQLERaWYG2emTCybcPbD96hdD1A=="
  "htmx.org        2.0.11  sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=="
  "echarts         5.6.0   sha512-oTbVTsXfKuEhxftHqL5xprgLoc0k7uScAwtryCgWF6hPYFLRwOUHiFmHGCBKP5NPFNkDVopOieyUqYGH8Fa3kA=="
)

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR_DIR="$REPO_ROOT/static/vendor"

die() { echo "vendor-static: error: $*" >&2; exit 1; }
log() { echo "vendor-static: $*" >&2; }

command -v npm >/dev/null || die "npm is not installed"
command -v node >/dev/null || die "node is not installed"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/vendor-static.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
OUT="$TMP/out"     # staged static/vendor content, checked before it replaces anything
mkdir -p "$TMP/pack" "$OUT"

sha512_integrity() {  # prints "sha512-<base64>" of a file
  node -e 'const c=require("crypto"),fs=require("fs");
    process.stdout.write("sha512-"+c.createHash("sha512").update(fs.readFileSync(process.argv[1])).digest("base64"))' "$1"
}

# fetch NAME VERSION INTEGRITY -> prints the path of the extracted package dir
fetch() {
  local name="$1" version="$2" integrity="$3" tgz got dir
  # Run from the temp dir so npm never sees (or writes into) the repo.
  tgz="$(cd "$TMP/pack" && npm pack --silent --loglevel=error "$name@$version")"
  tgz="$TMP/pack/$(printf '%s\n' "$tgz" | tail -n 1)"
  [[ -s "$tgz" ]] || die "npm pack $name@$version produced no tarball"
  got="$(sha512_integrity "$tgz")"
  if [[ -z "$integrity" ]]; then
    log "WARNING: no pinned integrity for $name@$version; got $got"
  elif [[ "$got" != "$integrity" ]]; then
    die "$name@$version integrity mismatch: expected $integrity, got $got"
  fi
  dir="$TMP/src/$name"
  mkdir -p "$dir"
  tar -xzf "$tgz" -C "$dir"
  dir="$dir/package"
  local pv
  pv="$(node -p 'require(process.argv[1]).version' "$dir/package.json")"
  [[ "$pv" == "$version" ]] || die "$name: tarball says version $pv, expected $version"
  printf '%s\n' "$dir"
}

# put SRC_FILE DEST_REL  (DEST_REL relative to static/vendor/)
put() {
  local src="$1" dest="$OUT/$2"
  [[ -s "$src" ]] || die "missing or empty in package: $src"
  mkdir -p "$(dirname "$dest")"
  cp "$src" "$dest"
  chmod 0644 "$dest"
}

declare -A VERSION LICENSE_ID DIRNAME
DIRNAME=([bootstrap]=bootstrap [bootstrap-icons]=bootstrap-icons [htmx.org]=htmx [echarts]=echarts)

for entry in "${PACKAGES[@]}"; do
  read -r name version integrity <<<"$entry"
  log "fetching $name@$version"
  src="$(fetch "$name" "$version" "$integrity")"
  VERSION[$name]="$version"
  LICENSE_ID[$name]="$(node -p 'require(process.argv[1]).license || "see LICENSE"' "$src/package.json")"
  d="${DIRNAME[$name]}"
  case "$name" in
    bootstrap)
      put "$src/dist/css/bootstrap.min.css"            "$d/css/bootstrap.min.css"
      if [[ -f "$src/dist/css/bootstrap.min.css.map" ]]; then
        put "$src/dist/css/bootstrap.min.css.map"      "$d/css/bootstrap.min.css.map"
      fi
      put "$src/dist/js/bootstrap.bundle.min.js"       "$d/js/bootstrap.bundle.min.js"
      put "$src/dist/js/bootstrap.bundle.min.js.map"   "$d/js/bootstrap.bundle.min.js.map"
      put "$src/LICENSE"                               "$d/LICENSE"
      ;;
    bootstrap-icons)
      if [[ -f "$src/font/bootstrap-icons.min.css" ]]; then
        put "$src/font/bootstrap-icons.min.css"        "$d/font/bootstrap-icons.min.css"
      else
        put "$src/font/bootstrap-icons.css"            "$d/font/bootstrap-icons.css"
      fi
      put "$src/font/fonts/bootstrap-icons.woff2"      "$d/font/fonts/bootstrap-icons.woff2"
      put "$src/font/fonts/bootstrap-icons.woff"       "$d/font/fonts/bootstrap-icons.woff"
      put "$src/LICENSE"                               "$d/LICENSE"
      ;;
    htmx.org)
      put "$src/dist/htmx.min.js"                      "$d/htmx.min.js"
      put "$src/LICENSE"                               "$d/LICENSE"
      ;;
    echarts)
      put "$src/dist/echarts.min.js"                   "$d/echarts.min.js"
      put "$src/LICENSE"                               "$d/LICENSE"
      if [[ -f "$src/NOTICE" ]]; then
        put "$src/NOTICE"                              "$d/NOTICE"
      fi
      # echarts' LICENSE points at /licenses/LICENSE-d3 for the BSD-3 d3 code
      # embedded in the bundle; keep every such licence file so it resolves.
      if [[ -d "$src/licenses" ]]; then
        for f in "$src"/licenses/*; do
          if [[ -f "$f" ]]; then put "$f" "$d/licenses/$(basename "$f")"; fi
        done
      fi
      ;;
    *) die "no copy rule for $name" ;;
  esac
done

# --- checks on the staged files -------------------------------------------

# 1. every file non-empty
while IFS= read -r -d '' f; do
  [[ -s "$f" ]] || die "empty file: ${f#"$OUT/"}"
done < <(find "$OUT" -type f -print0)

# 2. every url() in the vendored CSS must be a data: URI or a relative path
#    that resolves to a vendored file (query string / fragment ignored).
while IFS= read -r -d '' css; do
  while IFS= read -r u; do
    [[ -z "$u" ]] && continue
    case "$u" in
      data:*) continue ;;
      http:*|https:*|//*) die "${css#"$OUT/"} loads a remote resource: $u" ;;
      /*) die "${css#"$OUT/"} uses an absolute path: $u" ;;
    esac
    p="${u%%[?#]*}"
    [[ -s "$(dirname "$css")/$p" ]] \
      || die "${css#"$OUT/"}: url($u) does not resolve to a vendored file"
  done < <(grep -oE 'url\([^)]*\)' "$css" | sed -E 's/^url\(//; s/\)$//; s/^["'"'"']//; s/["'"'"']$//' | sort -u)
done < <(find "$OUT" -type f -name '*.css' -print0)

# 3. no CDN hosts anywhere in what we vendor
if grep -rIlE 'https?://[^"'"'"' ]*(cdn|unpkg|jsdelivr|googleapis|bootcdn|staticfile)' "$OUT" >/dev/null; then
  grep -rInoE '.{0,60}https?://[^"'"'"' ]*(cdn|unpkg|jsdelivr|googleapis|bootcdn|staticfile).{0,20}' "$OUT" >&2 || true
  die "vendored files mention a CDN URL (see above); inspect before using them"
fi

# --- README -----------------------------------------------------------------

human_size() { node -e 'const n=+process.argv[1];
  process.stdout.write(n>=1048576?(n/1048576).toFixed(2)+" MiB":n>=1024?(n/1024).toFixed(1)+" KiB":n+" B")' "$1"; }

{
  echo "# Vendored browser assets"
  echo
  echo "Generated by \`scripts/vendor-static.sh\` — do not edit these files by hand."
  echo "Pages must load these from \`{% static 'vendor/...' %}\`, never from a CDN:"
  echo "the deployment targets are offline intranets."
  echo
  echo "| package | version | files | licence |"
  echo "| --- | --- | --- | --- |"
  for entry in "${PACKAGES[@]}"; do
    read -r name _ <<<"$entry"
    d="${DIRNAME[$name]}"
    files=""
    while IFS= read -r f; do
      sz="$(human_size "$(stat -c %s "$OUT/$d/$f")")"
      files+="${files:+<br>}\`$d/$f\` ($sz)"
    done < <(cd "$OUT/$d" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
    echo "| [\`$name\`](https://www.npmjs.com/package/$name) | ${VERSION[$name]} | $files | ${LICENSE_ID[$name]} (\`$d/LICENSE\`) |"
  done
  echo
  echo "Notes:"
  echo
  echo "- \`bootstrap/js/bootstrap.bundle.min.js\` includes Popper (MIT); Bootstrap's package ships no separate Popper licence file."
  echo "- \`echarts/licenses/\` holds the licence of third-party code embedded in \`echarts.min.js\` (referenced from \`echarts/LICENSE\`)."
  echo "- \`.map\` files are only fetched by browser developer tools."
  echo
  echo "## Refresh / upgrade"
  echo
  echo '```sh'
  echo 'bash scripts/vendor-static.sh'
  echo '```'
  echo
  echo "Versions and tarball integrity hashes are pinned at the top of the script."
  echo "The script fetches with \`npm pack\` into a temporary directory, copies only the"
  echo "files above, checks they are non-empty, that CSS \`url()\`s resolve to vendored"
  echo "files and that no CDN URL appears, then replaces the package directories here."
} > "$OUT/README.md"

# --- install into the repo ----------------------------------------------------

mkdir -p "$VENDOR_DIR"
for d in "${DIRNAME[@]}"; do
  rm -rf "${VENDOR_DIR:?}/$d"
  cp -R "$OUT/$d" "$VENDOR_DIR/$d"
done
cp "$OUT/README.md" "$VENDOR_DIR/README.md"
chmod 0644 "$VENDOR_DIR/README.md"

total="$(find "${DIRNAME[@]/#/$VENDOR_DIR/}" "$VENDOR_DIR/README.md" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')"
log "done: $(for e in "${PACKAGES[@]}"; do read -r n v _ <<<"$e"; printf '%s@%s ' "$n" "$v"; done)"
log "total size of vendored files: $total bytes ($(human_size "$total"))"
