#!/usr/bin/env bash
# Refreshes the vendored Ontario Design System global styles (Apache-2.0) under
# assets/vendor/ontario-design-system/. Usage: scripts/vendor-ods.sh [VERSION]
set -euo pipefail
version="${1:-latest}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/assets/vendor/ontario-design-system"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@ongov/ontario-design-system-global-styles@$version" >/dev/null && tar xzf ./*.tgz)
pkg="$work/package"
rm -rf "$dest"
mkdir -p "$dest/styles/css/compiled" "$dest/fonts" "$dest/favicons"
cp "$pkg/LICENSE" "$dest/LICENSE"
node -e 'console.log(require(process.argv[1]).version)' "$pkg/package.json" > "$dest/VERSION"
cp "$pkg/dist/styles/css/compiled/ontario-theme.min.css" "$dest/styles/css/compiled/"
# Browsers that meet our support targets load woff2 (then woff); the older formats are left out.
(cd "$pkg/dist/fonts" && find . -type f \( -name '*.woff2' -o -name '*.woff' -o -name 'LICENSE.txt' -o -name 'OFL.txt' -o -name '*.ttf' -path '*courier*' \) -exec cp --parents {} "$dest/fonts/" \;)
cp "$pkg/dist/favicons/favicon.svg" "$pkg/dist/favicons/favicon.ico" "$dest/favicons/"
echo "vendored @ongov/ontario-design-system-global-styles $(cat "$dest/VERSION") into $dest"
