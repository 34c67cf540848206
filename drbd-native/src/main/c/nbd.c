/*
 * Kernel-nbd part of the JNI shim: the few syscalls Java cannot make itself. Netlink messages
 * are built and parsed in Java (org.drbdj.nativeio.NbdNetlink); here we only open descriptors,
 * move bytes with a poll() time bound, and issue the whitelisted NBD ioctls. Every function
 * returns >= 0 on success or -errno; nothing here throws a Java exception.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/nbd.h>
#include <jni.h>
#include "org_drbdj_nativeio_NativeShimJni.h"

/* Largest single transfer: handshake messages and netlink replies are far smaller. */
#define MAX_IO_BYTES (1 << 16)

/* Copies a Java string path into buf (NUL-terminated); -ENAMETOOLONG if it does not fit. */
static int copy_path(JNIEnv *env, jstring path, char *buf, size_t size)
{
    if (path == NULL)
        return -EINVAL;
    jsize chars = (*env)->GetStringLength(env, path);
    jsize bytes = (*env)->GetStringUTFLength(env, path);
    if (bytes <= 0)
        return -EINVAL;
    if ((size_t)bytes >= size)
        return -ENAMETOOLONG;
    (*env)->GetStringUTFRegion(env, path, 0, chars, buf);
    buf[bytes] = '\0';
    return 0;
}

JNIEXPORT jint JNICALL Java_org_drbdj_nativeio_NativeShimJni_openDevice(JNIEnv *env, jclass cls, jstring path)
{
    (void)cls;
    char p[4096];
    int rc = copy_path(env, path, p, sizeof p);
    if (rc < 0)
        return rc;
    int fd = open(p, O_RDWR | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

JNIEXPORT jint JNICALL Java_org_drbdj_nativeio_NativeShimJni_unixConnect(JNIEnv *env, jclass cls, jstring path)
{
    (void)cls;
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    int rc = copy_path(env, path, addr.sun_path, sizeof addr.sun_path);
    if (rc < 0)
        return rc;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

/* A generic netlink socket bound to a kernel-assigned port id. */
JNIEXPORT jint JNICALL Java_org_drbdj_nativeio_NativeShimJni_netlinkOpen(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
    if (fd < 0)
        return -errno;
    struct sockaddr_nl sa;
    memset(&sa, 0, sizeof sa);
    sa.nl_family = AF_NETLINK;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

/* Waits up to timeout_ms for fd to become ready for events; 0 when ready, -ETIMEDOUT or -errno. */
static int wait_ready(int fd, short events, int timeout_ms)
{
    struct pollfd p = { .fd = fd, .events = events, .revents = 0 };
    int rc;
    do {
        rc = poll(&p, 1, timeout_ms);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0)
        return -errno;
    if (rc == 0)
        return -ETIMEDOUT;
    return 0;
}

/* One read() of at most len bytes into buf[off..]; 0 means end of stream. */
JNIEXPORT jint JNICALL Java_org_drbdj_nativeio_NativeShimJni_readFd(JNIEnv *env, jclass cls, jint fd,
        jbyteArray buf, jint off, jint len, jint timeout_ms)
{
    (void)cls;
    if (buf == NULL || off < 0 || len <= 0 || len > MAX_IO_BYTES
            || off > (*env)->GetArrayLength(env, buf) - len)
        return -EINVAL;
    int rc = wait_ready(fd, POLLIN, timeout_ms);
    if (rc < 0)
        return rc;
    char *tmp = malloc((size_t)len);
    if (tmp == NULL)
        return -ENOMEM;
    ssize_t n;
    do {
        n = read(fd, tmp, (size_t)len);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        int e = errno;
        free(tmp);
        return -e;
    }
    (*env)->SetByteArrayRegion(env, buf, off, (jsize)n, (const jbyte *)tmp);
    free(tmp);
    return (jint)n;
}

/* One write() of at most len bytes from buf[off..]; returns the bytes written. */
JNIEXPORT jint JNICALL Java_org_drbdj_nativeio_NativeShimJni_writeFd(JNIEnv *env, jclass cls, jint fd,
        jbyteArray buf, jint off, jint len, jint timeout_ms)
{
    (void)cls;
    if (buf == NULL || off < 0 || len <= 0 || len > MAX_IO_BYTES
            || off > (*env)->GetArrayLength(env, buf) - len)
        return -EINVAL;
    int rc = wait_ready(fd, POLLOUT, timeout_ms);
    if (rc < 0)
        return rc;
    char *tmp = malloc((size_t)len);
    if (tmp == NULL)
        return -ENOMEM;
    (*env)->GetByteArrayRegion(env, buf, off, len, (jbyte *)tmp);
    ssize_t n;
    do {
        n = send(fd, tmp, (size_t)len, MSG_NOSIGNAL);
        if (n < 0 && errno == ENOTSOCK)
            n = write(fd, tmp, (size_t)len);
    } while (n < 0 && errno == EINTR);
    int e = errno;
    free(tmp);
    return n < 0 ? -e : (jint)n;
}

/*
 * ioctl(fd, request, arg) restricted to the NBD requests; anything else is -EINVAL, so this
 * entry point cannot be misused for arbitrary ioctls. NBD_DO_IT blocks until disconnect: the
 * Java side calls it from a dedicated thread.
 */
JNIEXPORT jint JNICALL Java_org_drbdj_nativeio_NativeShimJni_nbdIoctl(JNIEnv *env, jclass cls, jint fd,
        jint request, jlong arg)
{
    (void)env; (void)cls;
    unsigned long req;
    switch (request) {
    case 0: req = NBD_SET_SOCK; break;
    case 1: req = NBD_SET_BLKSIZE; break;
    case 3: req = NBD_DO_IT; break;
    case 4: req = NBD_CLEAR_SOCK; break;
    case 7: req = NBD_SET_SIZE_BLOCKS; break;
    case 8: req = NBD_DISCONNECT; break;
    case 9: req = NBD_SET_TIMEOUT; break;
    case 10: req = NBD_SET_FLAGS; break;
    default: return -EINVAL;
    }
    if (arg < 0)
        return -EINVAL;
    int rc;
    do {
        rc = ioctl(fd, req, (unsigned long)arg);
    } while (rc < 0 && errno == EINTR && request != 3);
    return rc < 0 ? -errno : rc;
}
