# scripts/lib.sh - shared by scripts/run, scripts/test and scripts/bench.
# Installs what a fresh Debian machine lacks, builds the tree, builds
# FerretDB, and renders the development nginx configuration.  Sourced, not
# run; every function is idempotent.

JT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JT_CACHE=${JOBTUNE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/jobtune}
FERRETDB_VERSION=v1.24.2
FERRETDB_BIN=$JT_CACHE/ferretdb-$FERRETDB_VERSION/ferretdb
export PATH=$PATH:/usr/local/go/bin

# Debian packages, by purpose.
JT_BUILD_PKGS="autoconf automake libtool pkg-config make gcc libfcgi-dev
  libcurl4-openssl-dev libjansson-dev libmongoc-dev libbson-dev libjwt-dev
  libmaxminddb-dev libssl-dev libcairo2-dev libpango1.0-dev libpng-dev libsndfile1-dev libsamplerate0-dev libsqlite3-dev
  zlib1g-dev libzip-dev libsystemd-dev libpoppler-glib-dev libxml2-dev libcsv-dev"
JT_RUN_PKGS="nginx-light curl openssl fontconfig fonts-dejavu-core fonts-dejavu-extra fonts-noto-core fonts-liberation2 iso-codes
  libpoppler-glib8 libxml2 libcsv3"
JT_TEST_PKGS="python3 python3-yaml python3-pymongo python3-jsonschema chromium valgrind libmaxmind-db-writer-perl python3-cryptography poppler-utils espeak-ng sox strace wrk python3-docx
  clang libclang-rt-14-dev"
JT_BENCH_PKGS="wrk php-fpm python3-pymongo python3-cryptography"


log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# ensure_packages PKG... : apt-get install whatever is not installed yet.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing Debian packages (${missing[*]}); run as root or install them"
  log "installing Debian packages: ${missing[*]}"
  if [ -z "${JT_APT_UPDATED:-}" ]; then
    apt-get update -q >/dev/null || die "apt-get update failed"
    JT_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
}

# ensure_node: Node.js and npm for the browser-test tooling (the machine's
# own Node.js counts; Debian's packages otherwise).
ensure_node() {
  command -v node >/dev/null && command -v npm >/dev/null && return 0
  ensure_packages nodejs npm
}

# ensure_ferretdb: build FerretDB once per machine, outside the work tree.
# `go install ...@v1.24.2` produces a binary that panics at start (the
# module zip lacks build/version/version.txt, which FerretDB embeds), so the
# same module source is fetched through the Go module proxy, the version
# file is written, and cmd/ferretdb is built from it.
ensure_ferretdb() {
  [ -x "$FERRETDB_BIN" ] && return 0
  command -v go >/dev/null || die "Go is needed to build FerretDB (expected in /usr/local/go)"
  log "building FerretDB $FERRETDB_VERSION (once per machine)"
  local src dir
  dir=$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" |
        sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$dir" ] || die "cannot download the FerretDB module"
  src=$(mktemp -d)
  cp -r "$dir/." "$src/" && chmod -R u+w "$src"
  echo "$FERRETDB_VERSION" > "$src/build/version/version.txt"
  mkdir -p "$(dirname "$FERRETDB_BIN")"
  (cd "$src" && go build -o "$FERRETDB_BIN.tmp" ./cmd/ferretdb) || die "building FerretDB failed"
  mv "$FERRETDB_BIN.tmp" "$FERRETDB_BIN"
  rm -rf "$src"
}

# build [configure args...]: autotools build in the tree.
# One build at a time in a tree: scripts/run, scripts/test and scripts/bench
# started together would otherwise reconfigure under each other.
build() {
  mkdir -p "$JT_ROOT/.local"
  (
    flock 9
    cd "$JT_ROOT"
    if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
      log "autoreconf"
      autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
    fi
    if [ ! -f Makefile ] || [ configure -nt Makefile ] || [ -n "${1:-}" ]; then
      log "configure $*"
      ./configure -q "$@" >/dev/null
    fi
    log "make"
    make -s -j"$(nproc)" >/dev/null
  ) 9>"$JT_ROOT/.local/build.lock" || die "build failed"
}

# The libFuzzer targets (tests/fuzz/fuzz_NAME.c) and where they are built:
# a copy of the tree under .local/fuzz, configured with clang, ASan, UBSan
# and libFuzzer's coverage instrumentation, so the gcc build is untouched.
JT_FUZZERS="body form multipart json resume router clerk svix audio geo cursor"
JT_FUZZ_DIR=$JT_ROOT/.local/fuzz

# build_fuzzers: bring the clang copy up to date and build every fuzzer
# (make rebuilds only what changed), and the GeoIP test database fuzz_geo
# reads.  The copy holds the files git knows or would add, with their
# times, so an unchanged source is not recompiled.
build_fuzzers() {
  mkdir -p "$JT_FUZZ_DIR/src"
  (
    flock 9
    cd "$JT_ROOT" || exit 1
    git ls-files -co --exclude-standard -z |
      while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done |
      tar --null -T - -cf - | (cd "$JT_FUZZ_DIR/src" && tar -xf -) || exit 1
    cd "$JT_FUZZ_DIR/src" || exit 1
    if [ ! -f Makefile ]; then
      log "configure the fuzzing build (clang, ASan, UBSan, libFuzzer)"
      { autoreconf -fi && ./configure -q CC=clang CFLAGS="-g -O1" \
          --enable-sanitizers --enable-fuzzers; } >"$JT_FUZZ_DIR/configure.log" 2>&1 || {
        cat "$JT_FUZZ_DIR/configure.log" >&2; exit 1; }
    fi
    make -s -j"$(nproc)" fuzzers >"$JT_FUZZ_DIR/make.log" 2>&1 || {
      tail -n 40 "$JT_FUZZ_DIR/make.log" >&2; exit 1; }
    if [ ! -f "$JT_FUZZ_DIR/city.mmdb" ] ||
       [ "$JT_ROOT/tests/geoip/city.json" -nt "$JT_FUZZ_DIR/city.mmdb" ]; then
      perl "$JT_ROOT/tests/geoip/build-mmdb.pl" "$JT_ROOT/tests/geoip/city.json" \
        "$JT_FUZZ_DIR/city.mmdb" >/dev/null || exit 1
    fi
  ) 9>"$JT_ROOT/.local/fuzz.lock" || die "building the fuzzers failed"
}

# render_nginx STATE_DIR PORT SOCKET [SUPPORT_RATE]: write STATE_DIR/nginx.conf.
render_nginx() {
  local state=$1 port=$2 socket=$3 rate=${4:-6r/m}
  mkdir -p "$state/snippets"
  cp "$JT_ROOT/nginx/jobtune-common.conf" "$JT_ROOT/nginx/jobtune-headers.conf" \
     "$JT_ROOT/nginx/jobtune-api.conf" "$state/snippets/"
  sed -e "s|@PORT@|$port|g" -e "s|@STATE@|$state|g" -e "s|@WWW@|$JT_ROOT/nginx/www|g" \
      -e "s|@SOCKET@|$socket|g" -e "s|@SUPPORT_RATE@|$rate|g" \
      "$JT_ROOT/nginx/dev.conf.in" > "$state/nginx.conf"
}

# wait_for CMD... : retry a readiness check for up to 30 s.
wait_for() {
  local i
  for i in $(seq 1 300); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}
