# Builds for `sam build` (template.yaml sets BuildMethod: makefile on each function). SAM runs the target
# named build-<LogicalId> with ARTIFACTS_DIR set; the Lambda Java runtime puts lib/*.jar on the classpath.
# samconfig.toml has SAM run these in the repository itself (build_in_source), one after the other: Maven then
# builds shared for the first function and finds it up to date for the other two.
MVN ?= mvn
MVN_FLAGS ?= -q -B -DskipTests

build-SubmitFunction:
	$(MVN) $(MVN_FLAGS) -pl functions/submit -am package
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp functions/submit/target/submit-function-lambda.jar "$(ARTIFACTS_DIR)/lib/"

build-StatusFunction:
	$(MVN) $(MVN_FLAGS) -pl functions/status -am package
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp functions/status/target/status-function-lambda.jar "$(ARTIFACTS_DIR)/lib/"

build-PollerFunction:
	$(MVN) $(MVN_FLAGS) -pl functions/poller -am package
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp functions/poller/target/poller-function-lambda.jar "$(ARTIFACTS_DIR)/lib/"

.PHONY: build-SubmitFunction build-StatusFunction build-PollerFunction
