# kgr — build, test, run and benchmark entry points. Needs Java 17 and Maven; nothing else.
MVN ?= mvn -B -q
TEST_CP := tests/target/test-classpath.txt

.PHONY: build test run bench clean

build:                       ## reconciler/target/kgr.jar, its class-data-sharing archive, and the bin/kgr launcher
	$(MVN) install -DskipTests
	rm -f reconciler/target/kgr.jsa; KGR_CDS_DUMP=1 bin/kgr validate samples-repo > /dev/null 2>&1 || rm -f reconciler/target/kgr.jsa

test:                        ## unit tests and integration tests (real in-process Kafka brokers, real Git repos)
	$(MVN) install -DskipTests
	mvn -B test

$(TEST_CP): build
	$(MVN) -pl tests test-compile dependency:build-classpath -Dmdep.outputFile=$(CURDIR)/$(TEST_CP) -Dmdep.includeScope=test

run: build $(TEST_CP)        ## kgr demo: kgr serve on an embedded Kafka, Kubernetes API server and Git repo (ARGS=--once)
	java -Xmx2g -Dkgr.samples=samples-repo -cp "$$(cat $(TEST_CP))" io.kgr.cli.Main demo $(ARGS)

bench: build $(TEST_CP)      ## benchmarks on real brokers (topics, users, a rolling restart under load, draining a broker); results in bench-results/ (BENCHMARKS.md)
	java -Xmx3g -cp "$$(cat $(TEST_CP)):tests/target/test-classes" io.kgr.bench.TopicBench $(TOPICS)
	java -Xmx3g -cp "$$(cat $(TEST_CP)):tests/target/test-classes" io.kgr.bench.UserBench $(USERS)
	java -Xmx1g -cp "$$(cat $(TEST_CP)):tests/target/test-classes" io.kgr.bench.RollBench $(ROLLS)
	java -Xmx1g -cp "$$(cat $(TEST_CP)):tests/target/test-classes" io.kgr.bench.DrainBench $(DRAIN_MIB)

clean:
	$(MVN) clean
