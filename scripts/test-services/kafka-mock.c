/*
 * Kafka mock cluster for tests: librdkafka's built-in mock brokers
 * (rdkafka_mock.h). Usage: kafka-mock TOPIC:PARTITIONS ...
 * Creates the topics (kafkajs admin.createTopics does not work against the
 * mock), prints the bootstrap address on one line, then runs until standard
 * input closes or SIGTERM/SIGINT arrives. Test setup only; never production.
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stopping = 0;
static void on_signal(int sig) { (void)sig; stopping = 1; }

int main(int argc, char **argv) {
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) { fprintf(stderr, "kafka-mock: rd_kafka_new: %s\n", errstr); return 1; }
  rd_kafka_mock_cluster_t *cluster = rd_kafka_mock_cluster_new(rk, 1);
  if (!cluster) { fprintf(stderr, "kafka-mock: cannot create mock cluster\n"); return 1; }
  for (int i = 1; i < argc; i++) {
    char name[256];
    int partitions = 1;
    const char *colon = strrchr(argv[i], ':');
    size_t len = colon ? (size_t)(colon - argv[i]) : strlen(argv[i]);
    if (len == 0 || len >= sizeof name) { fprintf(stderr, "kafka-mock: bad topic %s\n", argv[i]); return 2; }
    memcpy(name, argv[i], len);
    name[len] = '\0';
    if (colon) partitions = atoi(colon + 1);
    if (partitions < 1) { fprintf(stderr, "kafka-mock: bad partitions in %s\n", argv[i]); return 2; }
    rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(cluster, name, partitions, 1);
    if (err) { fprintf(stderr, "kafka-mock: topic %s: %s\n", name, rd_kafka_err2str(err)); return 1; }
  }
  printf("%s\n", rd_kafka_mock_cluster_bootstraps(cluster));
  fflush(stdout);
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  char buf[256];
  /* read() returns 0 when the parent closes our stdin (or dies). */
  while (!stopping) {
    ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0 && !stopping) usleep(100000);
  }
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(rk);
  return 0;
}
