/*
 * seed.c — run the project's seed command (see seed.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "seed.h"

const char *seed_command(const model_schema *model)
{
    for (size_t i = 0; i < model->ngenerators; i++) {
        const model_generator *g = &model->generators[i];
        if (g->provider && !strcmp(g->provider, "refract")) {
            const char *cmd = model_generator_get(g, "seed");
            if (cmd && *cmd)
                return cmd;
        }
    }
    return NULL;
}

int seed_run(const model_schema *model, const char *url, FILE *out, bool quiet_if_none)
{
    const char *cmd = seed_command(model);
    if (!cmd) {
        if (!quiet_if_none)
            fputs("No seed command configured: add `seed = \"<command>\"` to the generator block\n"
                  "with provider = \"refract\" (it runs in the current directory with\n"
                  "DATABASE_URL set).\n",
                  out);
        return 0;
    }
    fprintf(out, "Running seed command `%s` ...\n", cmd);
    fflush(out);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "error: cannot run the seed command: %s\n", strerror(errno));
        return 1;
    }
    if (pid == 0) {
        if (url)
            setenv("DATABASE_URL", url, 1);
        /* the seed's output goes with refract's: stdout may be `out` */
        if (out == stderr)
            dup2(STDERR_FILENO, STDOUT_FILENO);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            fprintf(stderr, "error: lost the seed command: %s\n", strerror(errno));
            return 1;
        }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        fputs("\nThe seed command has been executed.\n", out);
        return 0;
    }
    if (WIFSIGNALED(status))
        fprintf(stderr, "error: the seed command `%s` was killed by signal %d\n", cmd, WTERMSIG(status));
    else if (WEXITSTATUS(status) == 127)
        fprintf(stderr, "error: the seed command `%s` could not be run (exit status 127: not found?)\n", cmd);
    else
        fprintf(stderr, "error: the seed command `%s` failed with exit status %d\n", cmd, WEXITSTATUS(status));
    return 1;
}
