/* hashbench.c - how long password hashing alone takes for N passwords on this
 * machine's cores: the floor for bench/provision (every room's New-Mailbox
 * hashes one RoomMailboxPassword).
 *
 *   hashbench [-n N] [-j THREADS] [-t T] [-m KIB] [-p P]
 *
 * Hashes N distinct passwords with argon2id exactly as roomsysd does
 * (dir_password_hash: 16-byte random salt, 32-byte hash, encoded PHC string),
 * on THREADS threads (default: the online cores), and prints one line of
 * JSON: {"n":..,"threads":..,"t":..,"m_kib":..,"p":..,"seconds":..,"per_second":..,
 * "cpu_seconds":..} (cpu_seconds: user+sys of the process; on a quiet machine
 * seconds is cpu_seconds / THREADS).
 * Defaults are etc/roomsysd.conf.example's: t=2, m=19456 KiB, p=1.
 */
#include <argon2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

typedef struct cfg {
    long n;
    uint32_t t, m, p;
    atomic_long next;
    atomic_int failed;
} cfg;

static void *worker(void *arg)
{
    cfg *c = arg;
    for (;;) {
        long i = atomic_fetch_add(&c->next, 1);
        if (i >= c->n)
            break;
        char pw[64];
        snprintf(pw, sizeof pw, "Rm%ld-pass@word", i);
        unsigned char salt[16];
        if (getrandom(salt, sizeof salt, 0) != (ssize_t)sizeof salt)
            memset(salt, (int)i, sizeof salt);
        char out[256];
        if (argon2id_hash_encoded(c->t, c->m, c->p, pw, strlen(pw), salt, sizeof salt, 32, out,
                                  sizeof out) != ARGON2_OK)
            atomic_store(&c->failed, 1);
    }
    return NULL;
}

static long arg_long(const char *s, const char *what)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 1) {
        fprintf(stderr, "hashbench: %s must be a positive integer\n", what);
        exit(64);
    }
    return v;
}

int main(int argc, char **argv)
{
    cfg c = {.n = 10000, .t = 2, .m = 19456, .p = 1};
    long threads = sysconf(_SC_NPROCESSORS_ONLN);
    int opt;
    while ((opt = getopt(argc, argv, "n:j:t:m:p:")) != -1) {
        switch (opt) {
        case 'n':
            c.n = arg_long(optarg, "-n");
            break;
        case 'j':
            threads = arg_long(optarg, "-j");
            break;
        case 't':
            c.t = (uint32_t)arg_long(optarg, "-t");
            break;
        case 'm':
            c.m = (uint32_t)arg_long(optarg, "-m");
            break;
        case 'p':
            c.p = (uint32_t)arg_long(optarg, "-p");
            break;
        default:
            fprintf(stderr, "usage: hashbench [-n N] [-j THREADS] [-t T] [-m KIB] [-p P]\n");
            return 64;
        }
    }
    if (threads < 1)
        threads = 1;
    if (threads > 1024)
        threads = 1024;
    pthread_t *th = calloc((size_t)threads, sizeof *th);
    if (!th)
        return 1;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long started = 0;
    for (long k = 0; k < threads; k++)
        if (pthread_create(&th[k], NULL, worker, &c) == 0)
            started++;
    for (long k = 0; k < started; k++)
        pthread_join(th[k], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    free(th);
    if (!started || atomic_load(&c.failed)) {
        fprintf(stderr, "hashbench: hashing failed\n");
        return 1;
    }
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    printf("{\"n\":%ld,\"threads\":%ld,\"t\":%u,\"m_kib\":%u,\"p\":%u,\"seconds\":%.3f,"
           "\"per_second\":%.1f,\"cpu_seconds\":%.3f}\n",
           c.n, started, c.t, c.m, c.p, s, (double)c.n / s, cpu);
    return 0;
}
