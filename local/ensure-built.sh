# Sourced by ./run-local and ./bench: builds the local stack if its jar is missing or older than any source
# or build file. Sets STACK_JAR and STACK_CLASSPATH.
STACK_DIR=local/stack/target
STACK_JAR=$STACK_DIR/wan-local.jar
CLASSPATH_FILE=$STACK_DIR/classpath.txt

stack_is_stale() {
  [ -f "$STACK_JAR" ] && [ -f "$CLASSPATH_FILE" ] || return 0
  [ -n "$(find pom.xml shared functions local -newer "$STACK_JAR" \
        \( -name pom.xml -o -path '*/src/main/*' \) -type f -print -quit 2>/dev/null)" ]
}

if stack_is_stale; then
  if [ "${RUN_LOCAL_BUILD:-auto}" = "never" ]; then
    echo "$0: $STACK_JAR is missing or stale and RUN_LOCAL_BUILD=never" >&2
    exit 1
  fi
  command -v mvn >/dev/null || { echo "$0: Maven (mvn) is needed to build; see README.md" >&2; exit 1; }
  echo "Building the gateway (the first build downloads dependencies and takes a few minutes)..."
  mvn -q -B -DskipTests package -pl local/stack -am
fi
command -v java >/dev/null || { echo "$0: Java 17 or newer is needed; see README.md" >&2; exit 1; }
STACK_CLASSPATH="$STACK_JAR:$(cat "$CLASSPATH_FILE")"
