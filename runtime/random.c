/*
 * random.c — bytes from the kernel's CSPRNG. Nothing is buffered, so a
 * forked child never repeats its parent's randomness.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

static rf_status from_urandom(unsigned char *p, size_t n)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return RF_ERROR;
    while (n) {
        ssize_t got = read(fd, p, n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            close(fd);
            return RF_ERROR;
        }
        p += got;
        n -= (size_t)got;
    }
    close(fd);
    return RF_OK;
}

rf_status rf_random_bytes(void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n) {
        ssize_t got = getrandom(p, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            if (errno == ENOSYS)
                return from_urandom(p, n);
            return RF_ERROR;
        }
        p += got;
        n -= (size_t)got;
    }
    return RF_OK;
}
