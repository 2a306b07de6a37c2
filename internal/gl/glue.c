// glue.c: see glue.h.
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include "glue.h"

static void *lib;
static PFNEGLGETPROCADDRESSPROC pGetProcAddress;
static PFNEGLQUERYSTRINGPROC pQueryString;
static PFNEGLGETERRORPROC pGetError;
static PFNEGLINITIALIZEPROC pInitialize;
static PFNEGLTERMINATEPROC pTerminate;
static PFNEGLBINDAPIPROC pBindAPI;
static PFNEGLCHOOSECONFIGPROC pChooseConfig;
static PFNEGLCREATECONTEXTPROC pCreateContext;
static PFNEGLDESTROYCONTEXTPROC pDestroyContext;
static PFNEGLMAKECURRENTPROC pMakeCurrent;
static PFNEGLRELEASETHREADPROC pReleaseThread;
static PFNEGLGETPLATFORMDISPLAYEXTPROC pGetPlatformDisplay;
static PFNEGLQUERYDEVICESEXTPROC pQueryDevices;
static PFNEGLQUERYDEVICESTRINGEXTPROC pQueryDeviceString;

#define MAXDEV 32
static EGLDeviceEXT devices[MAXDEV];

int synOpenLib(const char *name, const char **msg) {
	// Always dlopen, so that a missing library is reported even after
	// another one was loaded; the first library loaded stays in use.
	void *h = dlopen(name ? name : "libEGL.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!h) { *msg = dlerror(); return 1; }
	if (lib) { dlclose(h); return 0; }
#define SYM(v, s) v = (void *)dlsym(h, s); if (!v) { *msg = "missing " s; dlclose(h); return 1; }
	SYM(pGetProcAddress, "eglGetProcAddress")
	SYM(pQueryString, "eglQueryString")
	SYM(pGetError, "eglGetError")
	SYM(pInitialize, "eglInitialize")
	SYM(pTerminate, "eglTerminate")
	SYM(pBindAPI, "eglBindAPI")
	SYM(pChooseConfig, "eglChooseConfig")
	SYM(pCreateContext, "eglCreateContext")
	SYM(pDestroyContext, "eglDestroyContext")
	SYM(pMakeCurrent, "eglMakeCurrent")
	SYM(pReleaseThread, "eglReleaseThread")
#undef SYM
	pGetPlatformDisplay = (void *)pGetProcAddress("eglGetPlatformDisplayEXT");
	pQueryDevices = (void *)pGetProcAddress("eglQueryDevicesEXT");
	pQueryDeviceString = (void *)pGetProcAddress("eglQueryDeviceStringEXT");
	lib = h;
	return 0;
}

EGLint synEGLError(void) { return pGetError(); }

const char *synClientExtensions(void) { return pQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS); }

int synQueryDevices(int max) {
	if (!pQueryDevices || !pQueryDeviceString) return 0;
	EGLint n = 0;
	if (max > MAXDEV) max = MAXDEV;
	if (!pQueryDevices(max, devices, &n)) return 0;
	return n;
}

const char *synDeviceExtensions(int i) { return pQueryDeviceString(devices[i], EGL_EXTENSIONS); }

const char *synDeviceFile(int i) {
	const char *e = synDeviceExtensions(i);
	if (!e || !strstr(e, "EGL_EXT_device_drm")) return NULL;
	return pQueryDeviceString(devices[i], EGL_DRM_DEVICE_FILE_EXT);
}

EGLDisplay synDeviceDisplay(int i) {
	if (!pGetPlatformDisplay) return EGL_NO_DISPLAY;
	return pGetPlatformDisplay(EGL_PLATFORM_DEVICE_EXT, devices[i], NULL);
}

EGLDisplay synSurfacelessDisplay(void) {
	if (!pGetPlatformDisplay) return EGL_NO_DISPLAY;
	return pGetPlatformDisplay(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL);
}

static int hasExt(const char *list, const char *name) {
	if (!list) return 0;
	size_t n = strlen(name);
	for (const char *p = list; (p = strstr(p, name)) != NULL; p += n) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0)) return 1;
	}
	return 0;
}

EGLint synMakeContext(EGLDisplay dpy, EGLContext *ctx, const char **stage) {
	EGLint major, minor;
	*stage = "eglInitialize";
	if (!pInitialize(dpy, &major, &minor)) return pGetError();
	const char *ext = pQueryString(dpy, EGL_EXTENSIONS);
	*stage = "EGL_KHR_surfaceless_context";
	if (!hasExt(ext, "EGL_KHR_surfaceless_context")) goto fail;
	*stage = "eglBindAPI(EGL_OPENGL_API)";
	if (!pBindAPI(EGL_OPENGL_API)) goto fail;
	EGLConfig cfg = EGL_NO_CONFIG_KHR;
	if (!hasExt(ext, "EGL_KHR_no_config_context")) {
		EGLint attr[] = {EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_NONE};
		EGLint n = 0;
		*stage = "eglChooseConfig(pbuffer, OpenGL)";
		if (!pChooseConfig(dpy, attr, &cfg, 1, &n) || n < 1) goto fail;
	}
	EGLint cattr[] = {
		EGL_CONTEXT_MAJOR_VERSION, 4, EGL_CONTEXT_MINOR_VERSION, 3,
		EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
		EGL_NONE};
	*stage = "eglCreateContext(OpenGL 4.3 core)";
	*ctx = pCreateContext(dpy, cfg, EGL_NO_CONTEXT, cattr);
	if (*ctx == EGL_NO_CONTEXT) goto fail;
	*stage = "eglMakeCurrent(no surface)";
	if (!pMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, *ctx)) {
		pDestroyContext(dpy, *ctx);
		goto fail;
	}
	return 0;
fail:;
	// EGL_SUCCESS (0x3000) when a required extension is missing.
	EGLint err = pGetError();
	pTerminate(dpy);
	return err;
}

void synDestroy(EGLDisplay dpy, EGLContext ctx) {
	pMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
	pDestroyContext(dpy, ctx);
	pTerminate(dpy);
	pReleaseThread();
}

// GL entry points.
static GLenum (*glGetError_)(void);
static const GLubyte *(*glGetString_)(GLenum);
static void (*glGetIntegerv_)(GLenum, GLint *);
static void (*glGetInteger64v_)(GLenum, GLint64 *);
static void (*glGetIntegeri_v_)(GLenum, GLuint, GLint *);
static GLuint (*glCreateShader_)(GLenum);
static void (*glShaderSource_)(GLuint, GLsizei, const GLchar *const *, const GLint *);
static void (*glCompileShader_)(GLuint);
static void (*glGetShaderiv_)(GLuint, GLenum, GLint *);
static void (*glGetShaderInfoLog_)(GLuint, GLsizei, GLsizei *, GLchar *);
static void (*glDeleteShader_)(GLuint);
static GLuint (*glCreateProgram_)(void);
static void (*glAttachShader_)(GLuint, GLuint);
static void (*glLinkProgram_)(GLuint);
static void (*glGetProgramiv_)(GLuint, GLenum, GLint *);
static void (*glGetProgramInfoLog_)(GLuint, GLsizei, GLsizei *, GLchar *);
static void (*glDeleteProgram_)(GLuint);
static void (*glUseProgram_)(GLuint);
static GLint (*glGetUniformLocation_)(GLuint, const GLchar *);
static void (*glUniform1ui_)(GLint, GLuint);
static void (*glUniform1f_)(GLint, GLfloat);
static void (*glGenBuffers_)(GLsizei, GLuint *);
static void (*glDeleteBuffers_)(GLsizei, const GLuint *);
static void (*glBindBuffer_)(GLenum, GLuint);
static void (*glBufferData_)(GLenum, GLsizeiptr, const void *, GLenum);
static void (*glBufferSubData_)(GLenum, GLintptr, GLsizeiptr, const void *);
static void (*glGetBufferSubData_)(GLenum, GLintptr, GLsizeiptr, void *);
static void (*glCopyBufferSubData_)(GLenum, GLenum, GLintptr, GLintptr, GLsizeiptr);
static void (*glBindBufferBase_)(GLenum, GLuint, GLuint);
static void (*glDispatchCompute_)(GLuint, GLuint, GLuint);
static void (*glMemoryBarrier_)(GLbitfield);
static void (*glFinish_)(void);
static void (*glFlush_)(void);
static const GLubyte *(*glGetStringi_)(GLenum, GLuint);
static void (*glBufferStorage_)(GLenum, GLsizeiptr, const void *, GLbitfield);
static void *(*glMapBufferRange_)(GLenum, GLintptr, GLsizeiptr, GLbitfield);
static GLsync (*glFenceSync_)(GLenum, GLbitfield);
static GLenum (*glClientWaitSync_)(GLsync, GLbitfield, GLuint64);
static void (*glDeleteSync_)(GLsync);
static void (*glGenQueries_)(GLsizei, GLuint *);
static void (*glDeleteQueries_)(GLsizei, const GLuint *);
static void (*glQueryCounter_)(GLuint, GLenum);
static void (*glGetQueryiv_)(GLenum, GLenum, GLint *);
static void (*glGetQueryObjectiv_)(GLuint, GLenum, GLint *);
static void (*glGetQueryObjectui64v_)(GLuint, GLenum, GLuint64 *);

#define GL_SHADER_STORAGE_BUFFER 0x90D2
#define GL_COPY_READ_BUFFER 0x8F36
#define GL_COPY_WRITE_BUFFER 0x8F37
#define GL_COMPUTE_SHADER 0x91B9
#define GL_COMPILE_STATUS 0x8B81
#define GL_LINK_STATUS 0x8B82
#define GL_INFO_LOG_LENGTH 0x8B84

const char *synLoadGL(void) {
#define L(v, s) v = (void *)pGetProcAddress(s); if (!v) return s;
	L(glGetError_, "glGetError")
	L(glGetString_, "glGetString")
	L(glGetIntegerv_, "glGetIntegerv")
	L(glGetInteger64v_, "glGetInteger64v")
	L(glGetIntegeri_v_, "glGetIntegeri_v")
	L(glCreateShader_, "glCreateShader")
	L(glShaderSource_, "glShaderSource")
	L(glCompileShader_, "glCompileShader")
	L(glGetShaderiv_, "glGetShaderiv")
	L(glGetShaderInfoLog_, "glGetShaderInfoLog")
	L(glDeleteShader_, "glDeleteShader")
	L(glCreateProgram_, "glCreateProgram")
	L(glAttachShader_, "glAttachShader")
	L(glLinkProgram_, "glLinkProgram")
	L(glGetProgramiv_, "glGetProgramiv")
	L(glGetProgramInfoLog_, "glGetProgramInfoLog")
	L(glDeleteProgram_, "glDeleteProgram")
	L(glUseProgram_, "glUseProgram")
	L(glGetUniformLocation_, "glGetUniformLocation")
	L(glUniform1ui_, "glUniform1ui")
	L(glUniform1f_, "glUniform1f")
	L(glGenBuffers_, "glGenBuffers")
	L(glDeleteBuffers_, "glDeleteBuffers")
	L(glBindBuffer_, "glBindBuffer")
	L(glBufferData_, "glBufferData")
	L(glBufferSubData_, "glBufferSubData")
	L(glGetBufferSubData_, "glGetBufferSubData")
	L(glCopyBufferSubData_, "glCopyBufferSubData")
	L(glBindBufferBase_, "glBindBufferBase")
	L(glDispatchCompute_, "glDispatchCompute")
	L(glMemoryBarrier_, "glMemoryBarrier")
	L(glFinish_, "glFinish")
	L(glFlush_, "glFlush")
	L(glGetStringi_, "glGetStringi")
	L(glFenceSync_, "glFenceSync")
	L(glClientWaitSync_, "glClientWaitSync")
	L(glDeleteSync_, "glDeleteSync")
	L(glGenQueries_, "glGenQueries")
	L(glDeleteQueries_, "glDeleteQueries")
	L(glQueryCounter_, "glQueryCounter")
	L(glGetQueryiv_, "glGetQueryiv")
	L(glGetQueryObjectiv_, "glGetQueryObjectiv")
	L(glGetQueryObjectui64v_, "glGetQueryObjectui64v")
#undef L
	// Optional (GL 4.4): checked by the caller before use.
	glBufferStorage_ = (void *)pGetProcAddress("glBufferStorage");
	glMapBufferRange_ = (void *)pGetProcAddress("glMapBufferRange");
	return NULL;
}

GLenum synGetError(void) { return glGetError_(); }
const char *synGetString(GLenum name) { return (const char *)glGetString_(name); }
GLint synGetInteger(GLenum name) { GLint v = 0; glGetIntegerv_(name, &v); return v; }
GLint64 synGetInteger64(GLenum name) { GLint64 v = 0; glGetInteger64v_(name, &v); return v; }
GLint synGetIntegeri(GLenum name, GLuint i) { GLint v = 0; glGetIntegeri_v_(name, i, &v); return v; }

static char *infoLog(GLuint obj, int program) {
	GLint n = 0;
	if (program) glGetProgramiv_(obj, GL_INFO_LOG_LENGTH, &n); else glGetShaderiv_(obj, GL_INFO_LOG_LENGTH, &n);
	if (n < 1) n = 1;
	char *s = calloc(n + 1, 1);
	if (program) glGetProgramInfoLog_(obj, n, NULL, s); else glGetShaderInfoLog_(obj, n, NULL, s);
	return s;
}

GLuint synCompileProgram(const char *src, int len, char **log, int *stage) {
	*log = NULL;
	*stage = 0;
	GLuint sh = glCreateShader_(GL_COMPUTE_SHADER);
	GLint l = len;
	glShaderSource_(sh, 1, &src, &l);
	glCompileShader_(sh);
	GLint ok = 0;
	glGetShaderiv_(sh, GL_COMPILE_STATUS, &ok);
	if (!ok) {
		*log = infoLog(sh, 0);
		*stage = 1;
		glDeleteShader_(sh);
		return 0;
	}
	GLuint p = glCreateProgram_();
	glAttachShader_(p, sh);
	glLinkProgram_(p);
	glDeleteShader_(sh);
	glGetProgramiv_(p, GL_LINK_STATUS, &ok);
	if (!ok) {
		*log = infoLog(p, 1);
		*stage = 2;
		glDeleteProgram_(p);
		return 0;
	}
	return p;
}

void synDeleteProgram(GLuint p) { glDeleteProgram_(p); }
void synUseProgram(GLuint p) { glUseProgram_(p); }
GLint synUniformLocation(GLuint p, const char *name) { return glGetUniformLocation_(p, name); }
void synUniform1ui(GLint loc, GLuint v) { glUniform1ui_(loc, v); }
void synUniform1f(GLint loc, GLfloat v) { glUniform1f_(loc, v); }
GLuint synGenBuffer(void) { GLuint b = 0; glGenBuffers_(1, &b); return b; }
void synDeleteBuffer(GLuint b) { glDeleteBuffers_(1, &b); }
void synBufferData(GLuint b, GLsizeiptr size, const void *data, GLenum usage) {
	glBindBuffer_(GL_SHADER_STORAGE_BUFFER, b);
	glBufferData_(GL_SHADER_STORAGE_BUFFER, size, data, usage);
}
void synBufferSubData(GLuint b, GLintptr off, GLsizeiptr size, const void *data) {
	glBindBuffer_(GL_SHADER_STORAGE_BUFFER, b);
	glBufferSubData_(GL_SHADER_STORAGE_BUFFER, off, size, data);
}
void synGetBufferSubData(GLuint b, GLintptr off, GLsizeiptr size, void *data) {
	glBindBuffer_(GL_SHADER_STORAGE_BUFFER, b);
	glGetBufferSubData_(GL_SHADER_STORAGE_BUFFER, off, size, data);
}
void synCopyBufferSubData(GLuint src, GLuint dst, GLintptr soff, GLintptr doff, GLsizeiptr size) {
	glBindBuffer_(GL_COPY_READ_BUFFER, src);
	glBindBuffer_(GL_COPY_WRITE_BUFFER, dst);
	glCopyBufferSubData_(GL_COPY_READ_BUFFER, GL_COPY_WRITE_BUFFER, soff, doff, size);
}
void synBindBufferBase(GLuint index, GLuint b) { glBindBufferBase_(GL_SHADER_STORAGE_BUFFER, index, b); }
void synDispatchCompute(GLuint x, GLuint y, GLuint z) { glDispatchCompute_(x, y, z); }
void synMemoryBarrier(GLbitfield bits) { glMemoryBarrier_(bits); }
void synFinish(void) { glFinish_(); }
void synFlush(void) { glFlush_(); }
const char *synGetStringi(GLenum name, GLuint i) { return (const char *)glGetStringi_(name, i); }

void *synMapStorage(GLuint b, GLsizeiptr size, GLbitfield flags, GLbitfield access, GLenum *err) {
	*err = 0;
	if (!glBufferStorage_ || !glMapBufferRange_) return NULL;
	glBindBuffer_(GL_SHADER_STORAGE_BUFFER, b);
	glBufferStorage_(GL_SHADER_STORAGE_BUFFER, size, NULL, flags);
	if ((*err = glGetError_()) != 0) return NULL;
	void *p = glMapBufferRange_(GL_SHADER_STORAGE_BUFFER, 0, size, access);
	if (!p) *err = glGetError_();
	return p;
}

GLsync synFenceSync(void) { return glFenceSync_(0x9117 /* GL_SYNC_GPU_COMMANDS_COMPLETE */, 0); }
GLenum synClientWaitSync(GLsync s, GLbitfield flags, GLuint64 timeout) { return glClientWaitSync_(s, flags, timeout); }
void synDeleteSync(GLsync s) { glDeleteSync_(s); }

#define GL_QUERY_COUNTER_BITS 0x8864
#define GL_QUERY_RESULT 0x8866
#define GL_QUERY_RESULT_AVAILABLE 0x8867

GLuint synGenQuery(void) { GLuint q = 0; glGenQueries_(1, &q); return q; }
void synDeleteQuery(GLuint q) { glDeleteQueries_(1, &q); }
void synQueryCounter(GLuint q) { glQueryCounter_(q, 0x8E28 /* GL_TIMESTAMP */); }
GLint synQueryAvailable(GLuint q) { GLint v = 0; glGetQueryObjectiv_(q, GL_QUERY_RESULT_AVAILABLE, &v); return v; }
GLuint64 synQueryResult(GLuint q) { GLuint64 v = 0; glGetQueryObjectui64v_(q, GL_QUERY_RESULT, &v); return v; }
GLint synQueryBits(GLenum target) { GLint v = 0; glGetQueryiv_(target, GL_QUERY_COUNTER_BITS, &v); return v; }
