/*
 * JNI shim of drbd-native. Every function returns a value >= 0 on success or -errno on failure;
 * the Java side turns negative values into NativeIoException. No Java exceptions are thrown here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>
#include <jni.h>
#include "org_drbdj_nativeio_NativeShimJni.h"

JNIEXPORT jint JNICALL Java_org_drbdj_nativeio_NativeShimJni_abiVersion(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    return 2;
}

/* A real syscall round trip, so the build proves the library loads and can reach the kernel. */
JNIEXPORT jlong JNICALL Java_org_drbdj_nativeio_NativeShimJni_pageSize(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    long v = sysconf(_SC_PAGESIZE);
    return v < 0 ? -errno : v;
}

/*
 * socketpair(AF_UNIX, SOCK_STREAM): the kernel nbd path hands one end to /dev/nbdX and serves
 * the other end with the NBD server. fds[0..1] receive the two descriptors.
 */
JNIEXPORT jint JNICALL Java_org_drbdj_nativeio_NativeShimJni_socketPair(JNIEnv *env, jclass cls, jintArray fds)
{
    (void)cls;
    int sv[2];
    if ((*env)->GetArrayLength(env, fds) < 2)
        return -EINVAL;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return -errno;
    jint out[2] = { sv[0], sv[1] };
    (*env)->SetIntArrayRegion(env, fds, 0, 2, out);
    return 0;
}

JNIEXPORT jint JNICALL Java_org_drbdj_nativeio_NativeShimJni_closeFd(JNIEnv *env, jclass cls, jint fd)
{
    (void)env; (void)cls;
    return close(fd) < 0 ? -errno : 0;
}
