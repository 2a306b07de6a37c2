// glue.h: the C side of package gl. libEGL is opened with dlopen, so the
// binary starts (and falls back to the CPU backend) on machines without it;
// every EGL and GL entry point is called through a function pointer.
#ifndef SYNBOLS_GL_GLUE_H
#define SYNBOLS_GL_GLUE_H

#include <stddef.h>
#include <stdint.h>
#include <EGL/egl.h>
#include <EGL/eglext.h>

// The GL types used here, declared locally instead of including
// <GL/glcorearb.h>, so that only the EGL headers are needed to build.
typedef unsigned int GLenum;
typedef unsigned int GLuint;
typedef int GLint;
typedef int GLsizei;
typedef unsigned char GLubyte;
typedef char GLchar;
typedef float GLfloat;
typedef ptrdiff_t GLsizeiptr;
typedef ptrdiff_t GLintptr;
typedef unsigned int GLbitfield;
typedef unsigned char GLboolean;
typedef int64_t GLint64;
typedef uint64_t GLuint64;
typedef struct __GLsync *GLsync;

// synOpenLib dlopens libEGL (name, or libEGL.so.1 when NULL) and resolves
// the core EGL entry points. 0 on success; on failure *msg holds dlerror().
int synOpenLib(const char *name, const char **msg);

// Platform enumeration.
const char *synClientExtensions(void);
int synQueryDevices(int max);                 // number of EGL devices (0 if unsupported)
const char *synDeviceExtensions(int i);       // device i's extension string, or NULL
const char *synDeviceFile(int i);             // its DRM file, or NULL
EGLDisplay synDeviceDisplay(int i);
EGLDisplay synSurfacelessDisplay(void);

// synMakeContext initialises dpy and makes a GL 4.3 core context current on
// the calling thread without a surface. 0 on success; else *stage names the
// failing step and the EGL error code is returned (EGL_SUCCESS when a
// required extension is missing).
EGLint synMakeContext(EGLDisplay dpy, EGLContext *ctx, const char **stage);
void synDestroy(EGLDisplay dpy, EGLContext ctx);
EGLint synEGLError(void);

// synLoadGL resolves the GL entry points through eglGetProcAddress.
// Returns the name of the first one missing, or NULL.
const char *synLoadGL(void);

// GL calls (thin wrappers over the function pointers).
GLenum synGetError(void);
const char *synGetString(GLenum name);
GLint synGetInteger(GLenum name);
GLint64 synGetInteger64(GLenum name);
GLint synGetIntegeri(GLenum name, GLuint i);
GLuint synCompileProgram(const char *src, int len, char **log, int *stage);
void synDeleteProgram(GLuint p);
void synUseProgram(GLuint p);
GLint synUniformLocation(GLuint p, const char *name);
void synUniform1ui(GLint loc, GLuint v);
void synUniform1f(GLint loc, GLfloat v);
GLuint synGenBuffer(void);
void synDeleteBuffer(GLuint b);
void synBufferData(GLuint b, GLsizeiptr size, const void *data, GLenum usage);
void synBufferSubData(GLuint b, GLintptr off, GLsizeiptr size, const void *data);
void synGetBufferSubData(GLuint b, GLintptr off, GLsizeiptr size, void *data);
void synCopyBufferSubData(GLuint src, GLuint dst, GLintptr soff, GLintptr doff, GLsizeiptr size);
void synBindBufferBase(GLuint index, GLuint b);
void synDispatchCompute(GLuint x, GLuint y, GLuint z);
void synMemoryBarrier(GLbitfield bits);
void synFinish(void);
void synFlush(void);
const char *synGetStringi(GLenum name, GLuint i);

// Buffer storage (GL 4.4 / ARB_buffer_storage) and fences. The storage
// entry points are resolved but optional: callers check the version or
// extension first (glvnd hands out stubs for any name).
// synMapStorage creates an immutable store of size bytes with flags and
// maps all of it with access; NULL when either fails, with the GL error
// in *err.
void *synMapStorage(GLuint b, GLsizeiptr size, GLbitfield flags, GLbitfield access, GLenum *err);
GLsync synFenceSync(void);
GLenum synClientWaitSync(GLsync s, GLbitfield flags, GLuint64 timeout);
void synDeleteSync(GLsync s);

// Timer queries (core since GL 3.3).
GLuint synGenQuery(void);
void synDeleteQuery(GLuint q);
void synQueryCounter(GLuint q);
GLint synQueryAvailable(GLuint q);
GLuint64 synQueryResult(GLuint q);
GLint synQueryBits(GLenum target);

#endif
