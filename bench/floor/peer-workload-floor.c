/*
 * The peer workload (event_count >= 5 per source.ip within 60 s; 1 M events over K keys in random order; 100 k
 * events/s of event time) in plain C, with the record layout of Vigie's correlation engine: an int tag table, three
 * cache lines per key (meta and key words and incident fields; a circular ring of 7 window times; their seqs), the
 * engine's key words and two-fold multiply hash. Each event's key bytes are copied from one sequential input into a
 * small slot first, as a decoder would. Crossings and updates are counted, not formatted.
 *
 * It is a floor for CorrelationFloor (the Java twin, with the engine's own slot refill) and for the engine: what this
 * machine gives any implementation of the same data layout. Thread CPU time per event, best of the measured rounds.
 *
 *   gcc -O2 -march=native -o /tmp/peer-workload-floor bench/floor/peer-workload-floor.c
 *   /tmp/peer-workload-floor 10000 10        # keys, rounds of 1 M events
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STRIDE 24
#define TIMES 8
#define SEQS 16
#define CAPACITY 7
#define THRESHOLD 5
#define ACTIVE (1ULL << 24)

typedef unsigned __int128 u128;

static inline uint64_t fold(uint64_t a, uint64_t b) {
    u128 p = (u128) a * b;
    return (uint64_t) (p >> 64) ^ (uint64_t) p;
}

static const uint64_t K0 = 0x9afba372a0337f25ULL, K1 = 0x1909ef25f845dba9ULL;
static const uint64_t K2 = 0x969418d0f7af71e2ULL, K3 = 0xeff3869432460a6aULL;

typedef struct {
    int64_t time;
    int64_t seq;
    int len;
    uint8_t raw[64];
} slot_t;

int main(int argc, char **argv) {
    const int keys = argc > 1 ? atoi(argv[1]) : 10000;
    const long rounds = argc > 2 ? atol(argv[2]) : 10;
    const int n = 1 << 20;
    char (*ips)[16] = malloc((size_t) keys * 16);
    int *lens = malloc((size_t) keys * sizeof(int));
    for (int k = 0; k < keys; k++) {
        lens[k] = sprintf(ips[k], "10.%d.%d.%d", (k >> 16) & 255, (k >> 8) & 255, k & 255);
    }
    uint64_t x = 42;
    int *key_of = malloc((size_t) n * sizeof(int));
    for (int i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        key_of[i] = (int) (x % (uint64_t) keys);
    }
    int *start = malloc(((size_t) n + 1) * sizeof(int));
    int total = 0;
    for (int i = 0; i < n; i++) {
        start[i] = total;
        total += lens[key_of[i]];
    }
    start[n] = total;
    uint8_t *input = malloc((size_t) total + 16);
    for (int i = 0; i < n; i++) {
        memcpy(input + start[i], ips[key_of[i]], (size_t) lens[key_of[i]]);
    }
    int size = 1;
    while (size < 4 * keys) {
        size <<= 1;
    }
    const int mask = size - 1;
    int *table = calloc((size_t) size, sizeof(int));
    int64_t *hot = aligned_alloc(64, ((size_t) keys + 1) * STRIDE * 8);
    memset(hot, 0, ((size_t) keys + 1) * STRIDE * 8);
    slot_t ring[64];
    int used = 0;
    long alerts = 0;
    int64_t seq = 0;
    const int64_t dt = 10000, span = 60LL * 1000000000LL, slack = 5LL * 1000000000LL;
    int64_t shift = 20000LL * 86400LL * 1000000000LL;
    double best = 1e9;
    for (long r = 0; r < rounds; r++) {
        struct timespec a, b;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
        for (int i = 0; i < n; i++) {
            slot_t *e = &ring[seq & 63];
            const int len = start[i + 1] - start[i];
            memcpy(e->raw, input + start[i], (size_t) len);
            e->len = len;
            e->time = shift + (int64_t) i * dt;
            e->seq = seq++;
            uint64_t v0, v1;
            memcpy(&v0, e->raw, 8);
            memcpy(&v1, e->raw + 8, 8);
            if (len < 16) {
                v1 &= len <= 8 ? 0 : (1ULL << ((len - 8) * 8)) - 1;
            }
            if (len < 8) {
                v0 &= (1ULL << (len * 8)) - 1;
            }
            const uint64_t w0 = ((len >> 8) & 0xFF) | ((uint64_t) (len & 0xFF) << 8) | (v0 << 16);
            const uint64_t w1 = (v0 >> 48) | (v1 << 16), w2 = v1 >> 48;
            const uint64_t f = fold(fold(w0 ^ K0, w1 ^ K1) ^ K2, w2 ^ K3);
            const int hash = (int) (f ^ (f >> 32)), tag = hash & ~mask;
            int64_t *rec = NULL;
            for (int p = hash & mask;; p = (p + 1) & mask) {
                const int v = table[p];
                if (v == 0) {
                    const int s = used++;
                    table[p] = tag | (s + 1);
                    rec = hot + (size_t) s * STRIDE;
                    rec[0] = len + 2;
                    rec[1] = (int64_t) w0;
                    rec[2] = (int64_t) w1;
                    rec[3] = (int64_t) w2;
                    break;
                }
                if ((v & ~mask) == tag) {
                    int64_t *q = hot + (size_t) ((v & mask) - 1) * STRIDE;
                    if ((q[0] & 0x7FFF) == len + 2 && q[1] == (int64_t) w0 && q[2] == (int64_t) w1
                        && q[3] == (int64_t) w2) {
                        rec = q;
                        break;
                    }
                }
            }
            const int64_t t = e->time;
            const uint64_t meta = (uint64_t) rec[0];
            int count = (int) (meta >> 32), head = (int) (meta >> 27) & 7;
            if (t > rec[4]) {
                rec[4] = t;
            }
            const int64_t from = rec[4] - span;
            if (count == CAPACITY) {
                int drop = 0;
                while (drop < count && rec[TIMES + ((head + drop) & 7)] < from - slack) {
                    drop++;
                }
                if (drop == 0) {
                    drop = 1;
                }
                count -= drop;
                head = (head + drop) & 7;
            }
            const int p = (head + count) & 7;
            rec[TIMES + p] = t;
            rec[SEQS + p] = e->seq;
            count++;
            int below = 0;
            while (below < count && rec[TIMES + ((head + below) & 7)] < from) {
                below++;
            }
            uint64_t next = (meta & 0x7FFFFFFULL) | ((uint64_t) count << 32) | ((uint64_t) head << 27);
            if (count - below >= THRESHOLD) {
                next |= ACTIVE;
                if (!(meta & ACTIVE)) {
                    rec[5] = 1;
                    rec[6] = t;
                    rec[7] = t;
                    alerts++;
                } else {
                    rec[5]++;
                    if (t > rec[6]) {
                        rec[6] = t;
                    }
                    if (t - rec[7] >= span) {
                        rec[7] = t;
                        alerts++;
                    }
                }
            } else {
                next &= ~ACTIVE;
                if (meta & ACTIVE) {
                    alerts++;
                }
            }
            rec[0] = (int64_t) next;
        }
        shift += dt * n;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
        const double ns = ((double) (b.tv_sec - a.tv_sec) * 1e9 + (double) (b.tv_nsec - a.tv_nsec)) / n;
        if (r >= 2 && ns < best) {
            best = ns;
        }
        printf("keys=%d round=%ld ns/event=%.1f\n", keys, r, ns);
    }
    printf("# keys=%d best=%.1f ns/event alerts=%ld keys seen=%d\n", keys, best, alerts, used);
    return 0;
}
