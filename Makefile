# kgr — build, test, run and benchmark entry points. Needs Java 17 and Maven; nothing else.
MVN ?= mvn -B -q
TEST_CP := tests/target/test-classpath.txt
# the embedded environment's dependencies (the test kits kgr.jar does not ship), for bin/kgr demo
EMBEDDED_CP := reconciler/embedded/target/classpath.txt

.PHONY: build test run bench clean image

# The archive is a static one (-Xshare:dump from the classes a training run loaded), not one dumped at a run's exit:
# Java 17 leaves classes of pre-Java 6 class files (all of picocli's) out of those, and loading picocli's 170 classes
# from the jar took ≈ 0.1 s of every CLI start, before the first file was read. It names the jar by its absolute
# path, as bin/kgr and the benches give it (a relative one made an archive they silently did not use).
CDS := reconciler/kgr/target/kgr.jsa
CLASSLIST := reconciler/kgr/target/kgr.classlist
build:                       ## reconciler/kgr/target/kgr.jar, the bin/kgr launcher's class-data-sharing archive (the classes of a training run against a throwaway broker)
	$(MVN) install -DskipTests
	$(MVN) -pl reconciler/embedded dependency:build-classpath -Dmdep.outputFile=$(CURDIR)/$(EMBEDDED_CP) -Dmdep.includeScope=runtime
	$(MVN) -pl tests dependency:build-classpath -Dmdep.outputFile=$(CURDIR)/$(TEST_CP) -Dmdep.includeScope=test
	rm -f $(CDS) $(CLASSLIST)
	java -cp "$$(cat $(TEST_CP)):tests/target/test-classes" io.kgr.bench.CdsTraining > /dev/null 2>&1 \
	  || { rm -f $(CLASSLIST); KGR_CDS_DUMP=1 bin/kgr validate samples-repo > /dev/null 2>&1 || rm -f $(CLASSLIST); }
	if [ -s $(CLASSLIST) ]; then java -Xshare:dump -XX:SharedClassListFile=$(CLASSLIST) -XX:SharedArchiveFile=$(CDS) \
	  -cp $(CURDIR)/reconciler/kgr/target/kgr.jar > /dev/null 2>&1 || rm -f $(CDS); fi
	@# the archive names the jar by the path bin/kgr gives (absolute): one it cannot use is removed, not kept unused
	if [ -f $(CDS) ]; then java -XX:SharedArchiveFile=$(CDS) -Xshare:on -jar $(CURDIR)/reconciler/kgr/target/kgr.jar --version \
	  > /dev/null 2>&1 || { echo "make: the class-data-sharing archive does not load; removed" >&2; rm -f $(CDS); }; fi

test:                        ## unit tests and integration tests (real in-process Kafka brokers, real Git repos)
	$(MVN) install -DskipTests
	mvn -B test

run: build        ## kgr demo: kgr serve on an embedded Kafka, Kubernetes API server and Git repo (ARGS=--once)
	bin/kgr demo $(ARGS)

# SCENARIO=topics|users|serve|roll|drain|scale runs one; TOPICS, USERS, RUNS (samples per topics/users row, 5),
# SERVE_RUNS (SERVE_EVERY: seconds between them), ROLLS, DRAIN_MIB, SCALE_TOPICS and BROKERS size them
SCENARIO ?= all
# the brokers' logs (and the benches' repositories) on a RAM disk when there is one: a broker making 10,000 logs on this
# machine's disk took 20–50 s for the same creates from one run to the next, which decided every comparison
BENCH_TMPDIR ?= $(shell test -d /dev/shm -a -w /dev/shm && echo /dev/shm || echo /tmp)
BENCH = java -Djava.io.tmpdir=$(BENCH_TMPDIR) $(if $(RUNS),-Dkgr.bench.runs=$(RUNS)) -cp "$$(cat $(TEST_CP)):tests/target/test-classes"
bench: build      ## benchmarks on real brokers (topics, users, kgr serve, a rolling restart under load, draining a broker); results in bench-results/ (BENCHMARKS.md)
	@if [ "$(SCENARIO)" = all ] || [ "$(SCENARIO)" = topics ]; then $(BENCH) -Xmx3g io.kgr.bench.TopicBench $(TOPICS); fi
	@if [ "$(SCENARIO)" = all ] || [ "$(SCENARIO)" = users ]; then $(BENCH) -Xmx3g io.kgr.bench.UserBench $(USERS); fi
	@if [ "$(SCENARIO)" = all ] || [ "$(SCENARIO)" = serve ]; then $(BENCH) -Xmx3g io.kgr.bench.ServeBench "$(TOPICS)" "$(SERVE_RUNS)" "$(SERVE_EVERY)"; fi
	@if [ "$(SCENARIO)" = all ] || [ "$(SCENARIO)" = roll ]; then $(BENCH) -Xmx1g io.kgr.bench.RollBench $(ROLLS); fi
	@if [ "$(SCENARIO)" = all ] || [ "$(SCENARIO)" = drain ]; then $(BENCH) -Xmx1g io.kgr.bench.DrainBench $(DRAIN_MIB); fi
	@if [ "$(SCENARIO)" = all ] || [ "$(SCENARIO)" = scale ]; then $(BENCH) -Xmx6g io.kgr.bench.ScaleBench "$(SCALE_TOPICS)" "$(BROKERS)"; fi

clean:
	$(MVN) clean

# kgr's container image, for machines with a container engine (docker or podman): IMAGE=registry/kgr:tag make image,
# push it, then set the same name and tag in deploy/overlays/<profile>/kustomization.yaml (images:)
IMAGE ?= ghcr.io/kgr-io/kgr:0.1.0
ENGINE ?= $(shell command -v docker || command -v podman)
image:                       ## build kgr's image from deploy/Dockerfile (IMAGE=…)
	@test -n "$(ENGINE)" || { echo "make image: no docker or podman on this machine" >&2; exit 1; }
	$(ENGINE) build -f deploy/Dockerfile -t $(IMAGE) .
