// Package gl is a headless OpenGL 4.3 compute context over EGL, and the few
// GL calls the GPU backend needs. It is the project's only cgo package for
// graphics: libEGL is opened at run time with dlopen (so a binary built here
// starts, and falls back to the CPU backend, where libEGL is missing), and
// every GL function is resolved through eglGetProcAddress into a C function
// pointer: no go-gl dependency, no GL headers, no libGL, GLX or X11.
//
// Platforms are tried in this order: EGL_EXT_platform_device with hardware
// devices first (a device advertising EGL_MESA_device_software is software),
// then EGL_MESA_platform_surfaceless. The first display that yields a GL 4.3
// core context without a surface wins.
package gl

/*
#cgo LDFLAGS: -ldl
#include <stdlib.h>
#include "glue.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// Sentinel errors. Messages wrap them with the EGL or GL error names.
var (
	// ErrNoEGL: libEGL could not be loaded, or no EGL display initialised.
	ErrNoEGL = errors.New("gl: no usable EGL")
	// ErrNoGL43: displays exist but none gave an OpenGL 4.3 core context.
	ErrNoGL43 = errors.New("gl: no OpenGL 4.3 core context")
	// ErrSoftwareOnly: only software rasterisers were found and
	// Options.HardwareOnly excluded them.
	ErrSoftwareOnly = errors.New("gl: no hardware OpenGL 4.3 device")
	// ErrShader: a compute shader failed to compile or link; the message
	// holds the GLSL info log.
	ErrShader = errors.New("gl: shader failed")
	// ErrOutOfMemory: GL_OUT_OF_MEMORY while allocating a buffer.
	ErrOutOfMemory = errors.New("gl: out of memory")
	// ErrGL: any other GL error.
	ErrGL = errors.New("gl: error")
	// ErrClosed: the context was closed.
	ErrClosed = errors.New("gl: context closed")
)

// Options selects what Open tries. Zero values read the environment:
// SYNBOLS_EGL_LIBRARY names the library to dlopen (tests point it at a
// missing file to simulate a machine without EGL), and SYNBOLS_EGL_PLATFORM
// restricts the platforms ("device", "surfaceless" or "none").
type Options struct {
	Library  string
	Platform string
	// HardwareOnly skips software rasterisers (llvmpipe and the like), for
	// automatic backend selection: they are correct but no faster than the
	// CPU backend.
	HardwareOnly bool
	// MinVersion is the OpenGL version a context must report, {major,
	// minor}; zero means {4, 3}, what the compute shaders need. Tests ask
	// for an impossible version to reach ErrNoGL43 on a working driver.
	MinVersion [2]int
}

// Limits are the device limits that size batches.
type Limits struct {
	MaxStorageBlockSize int64 // GL_MAX_SHADER_STORAGE_BLOCK_SIZE, bytes
	MaxWorkGroupCountX  int   // GL_MAX_COMPUTE_WORK_GROUP_COUNT[0]
	MaxSharedMemory     int   // GL_MAX_COMPUTE_SHARED_MEMORY_SIZE, bytes
}

// Context is a current GL context owned by one goroutine locked to its OS
// thread (GL contexts are bound to a thread). Every GL call goes through
// Do, which runs a function on that goroutine and waits for it; the
// package-level GL functions and the Buffer and Program methods may only be
// called inside such a function. Do may be called from any goroutine,
// concurrently: calls are served one at a time, in arrival order.
type Context struct {
	reqs      chan func()
	done      chan struct{}
	closeOnce sync.Once

	renderer, vendor, version string
	platform                  string
	software                  bool
	bufferStorage             bool
	limits                    Limits
}

// openMu serialises Open: the C side keeps the library handle and the
// device list in static variables.
var openMu sync.Mutex

// Open creates the context, trying the platforms in order.
func Open(opts Options) (*Context, error) {
	if opts.Library == "" {
		opts.Library = os.Getenv("SYNBOLS_EGL_LIBRARY")
	}
	if opts.Platform == "" {
		opts.Platform = os.Getenv("SYNBOLS_EGL_PLATFORM")
	}
	c := &Context{reqs: make(chan func()), done: make(chan struct{})}
	ready := make(chan error)
	go c.serve(opts, ready)
	if err := <-ready; err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Context) serve(opts Options, ready chan<- error) {
	runtime.LockOSThread() // never unlocked: the thread dies with the goroutine
	dpy, ctx, err := c.open(opts)
	ready <- err
	if err != nil {
		return
	}
	for f := range c.reqs {
		f()
	}
	C.synDestroy(dpy, ctx)
	close(c.done)
}

func (c *Context) open(opts Options) (C.EGLDisplay, C.EGLContext, error) {
	openMu.Lock()
	defer openMu.Unlock()
	var cname *C.char
	lib := "libEGL.so.1"
	if opts.Library != "" {
		lib = opts.Library
		cname = C.CString(opts.Library)
		defer C.free(unsafe.Pointer(cname))
	}
	var msg *C.char
	if C.synOpenLib(cname, &msg) != 0 {
		return 0, nil, fmt.Errorf("%w: dlopen %s: %s", ErrNoEGL, lib, C.GoString(msg))
	}
	var tried []string
	displays, skipped := 0, 0
	try := func(what string, dpy C.EGLDisplay, software bool) (C.EGLContext, bool) {
		if dpy == 0 {
			tried = append(tried, what+": no display ("+eglError(C.synEGLError())+")")
			return nil, false
		}
		var ctx C.EGLContext
		var stage *C.char
		if code := C.synMakeContext(dpy, &ctx, &stage); code != 0 {
			s := C.GoString(stage)
			if s != "eglInitialize" {
				displays++
			}
			if code == C.EGL_SUCCESS {
				tried = append(tried, fmt.Sprintf("%s: %s missing", what, s))
			} else {
				tried = append(tried, fmt.Sprintf("%s: %s failed (%s)", what, s, eglError(code)))
			}
			return nil, false
		}
		displays++
		if err := c.probe(software, opts.HardwareOnly, opts.MinVersion); err != nil {
			C.synDestroy(dpy, ctx)
			if errors.Is(err, ErrSoftwareOnly) {
				skipped++
			}
			tried = append(tried, what+": "+strings.TrimPrefix(err.Error(), ErrSoftwareOnly.Error()+": "))
			return nil, false
		}
		c.platform = what
		return ctx, true
	}
	client := C.GoString(C.synClientExtensions())
	plat := opts.Platform
	// Whether the device platform listed every device and none is
	// hardware: then surfaceless has no hardware device to find either
	// (Mesa's picks among the same render nodes, else its software
	// driver), and HardwareOnly skips it rather than load that driver
	// (LLVM and all, 40–70 ms and 50 MB) to learn it is software.
	listedNoHardware := false
	if plat == "" || plat == "device" {
		if hasExt(client, "EGL_EXT_platform_device") {
			n := int(C.synQueryDevices(32))
			software := make([]bool, n)
			listedNoHardware = true
			for i := range software {
				software[i] = hasExt(C.GoString(C.synDeviceExtensions(C.int(i))), "EGL_MESA_device_software")
				listedNoHardware = listedNoHardware && software[i]
			}
			// Hardware devices first.
			for pass := range 2 {
				for i, sw := range software {
					if sw != (pass == 1) {
						continue
					}
					what := fmt.Sprintf("EGL device %d", i)
					if f := C.synDeviceFile(C.int(i)); f != nil {
						what += " (" + C.GoString(f) + ")"
					}
					if sw {
						what += " (software)"
						if opts.HardwareOnly {
							tried = append(tried, what+": skipped, software")
							skipped++
							continue
						}
					}
					if ctx, ok := try(what, C.synDeviceDisplay(C.int(i)), sw); ok {
						return C.synDeviceDisplay(C.int(i)), ctx, nil
					}
				}
			}
			if n == 0 {
				tried = append(tried, "EGL_EXT_platform_device: no devices")
			}
		} else {
			tried = append(tried, "EGL_EXT_platform_device: not supported")
		}
	}
	if plat == "" || plat == "surfaceless" {
		if opts.HardwareOnly && listedNoHardware {
			tried = append(tried, "EGL_MESA_platform_surfaceless: skipped, no hardware device listed")
			skipped++
		} else if hasExt(client, "EGL_MESA_platform_surfaceless") {
			dpy := C.synSurfacelessDisplay()
			if ctx, ok := try("EGL_MESA_platform_surfaceless", dpy, false); ok {
				return dpy, ctx, nil
			}
		} else {
			tried = append(tried, "EGL_MESA_platform_surfaceless: not supported")
		}
	}
	if len(tried) == 0 {
		tried = append(tried, fmt.Sprintf("no platform (SYNBOLS_EGL_PLATFORM=%q)", plat))
	}
	sentinel := ErrNoEGL
	if displays > 0 {
		sentinel = ErrNoGL43
	}
	if skipped > 0 && skipped == len(tried) {
		sentinel = ErrSoftwareOnly
	}
	return 0, nil, fmt.Errorf("%w: tried %s", sentinel, strings.Join(tried, "; "))
}

// probe loads the GL functions into the current context and checks its
// version and renderer. glvnd hands out a stub for any name, so the
// version check, not the loader, is what proves GL 4.3.
func (c *Context) probe(software, hardwareOnly bool, need [2]int) error {
	if need == ([2]int{}) {
		need = [2]int{4, 3}
	}
	if name := C.synLoadGL(); name != nil {
		return fmt.Errorf("%w: %s not found", ErrNoGL43, C.GoString(name))
	}
	major, minor := int(C.synGetInteger(0x821B)), int(C.synGetInteger(0x821C))
	if major < need[0] || major == need[0] && minor < need[1] {
		return fmt.Errorf("%w: context is OpenGL %d.%d, need %d.%d", ErrNoGL43, major, minor, need[0], need[1])
	}
	c.vendor = C.GoString(C.synGetString(0x1F00))
	c.renderer = C.GoString(C.synGetString(0x1F01))
	c.version = C.GoString(C.synGetString(0x1F02))
	c.software = software || IsSoftwareRenderer(c.renderer)
	if hardwareOnly && c.software {
		return fmt.Errorf("%w: skipped software renderer %q", ErrSoftwareOnly, c.renderer)
	}
	c.limits = Limits{
		MaxStorageBlockSize: int64(C.synGetInteger64(0x90DE)),
		MaxWorkGroupCountX:  int(C.synGetIntegeri(0x91BE, 0)),
		MaxSharedMemory:     int(C.synGetInteger(0x8262)),
	}
	// Persistent mapping needs glBufferStorage: core in 4.4, an extension
	// before (NVIDIA gives a 4.3 context that has it). Checked by name,
	// since glvnd resolves any entry point.
	c.bufferStorage = major > 4 || minor >= 4
	if !c.bufferStorage {
		for i := range int(C.synGetInteger(0x821D)) { // GL_NUM_EXTENSIONS
			if C.GoString(C.synGetStringi(0x1F03, C.GLuint(i))) == "GL_ARB_buffer_storage" {
				c.bufferStorage = true
				break
			}
		}
	}
	if err := CheckError("querying limits"); err != nil {
		return err
	}
	return nil
}

// IsSoftwareRenderer reports whether a GL_RENDERER string names a CPU
// rasteriser (Mesa's llvmpipe and softpipe, SwiftShader).
func IsSoftwareRenderer(r string) bool {
	r = strings.ToLower(r)
	for _, s := range []string{"llvmpipe", "softpipe", "swiftshader", "software"} {
		if strings.Contains(r, s) {
			return true
		}
	}
	return false
}

func hasExt(list, name string) bool {
	for _, e := range strings.Fields(list) {
		if e == name {
			return true
		}
	}
	return false
}

// Renderer is GL_RENDERER, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)".
func (c *Context) Renderer() string { return c.renderer }

// Version is GL_VERSION.
func (c *Context) Version() string { return c.version }

// Platform says which EGL platform and device gave the context.
func (c *Context) Platform() string { return c.platform }

// Software reports a CPU rasteriser.
func (c *Context) Software() bool { return c.software }

// BufferStorage reports glBufferStorage (GL 4.4 or GL_ARB_buffer_storage):
// buffers that stay mapped while the GPU writes them, which the pipelined
// read-back needs.
func (c *Context) BufferStorage() bool { return c.bufferStorage }

// Limits returns the device limits queried at Open.
func (c *Context) Limits() Limits { return c.limits }

// Do runs f on the context's goroutine and returns its error.
func (c *Context) Do(f func() error) (err error) {
	done := make(chan struct{})
	req := func() {
		defer close(done)
		err = f()
	}
	select {
	case c.reqs <- req:
	case <-c.done:
		return ErrClosed
	}
	<-done
	return err
}

// Close destroys the context after pending Do calls. It must not be called
// concurrently with Do.
func (c *Context) Close() error {
	c.closeOnce.Do(func() {
		close(c.reqs)
		<-c.done
	})
	return nil
}

// The functions below must run inside Context.Do.

// CheckError drains the GL error flags; the first one becomes the error,
// GL_OUT_OF_MEMORY as ErrOutOfMemory.
func CheckError(what string) error {
	var first C.GLenum
	for range 16 {
		e := C.synGetError()
		if e == 0 {
			break
		}
		if first == 0 {
			first = e
		}
	}
	switch first {
	case 0:
		return nil
	case 0x0505:
		return fmt.Errorf("%w: %s: GL_OUT_OF_MEMORY", ErrOutOfMemory, what)
	default:
		return fmt.Errorf("%w: %s: %s", ErrGL, what, glError(first))
	}
}

// Program is a linked compute program.
type Program uint32

// CompileCompute compiles and links a compute shader.
func CompileCompute(src string) (Program, error) {
	cs := C.CString(src)
	defer C.free(unsafe.Pointer(cs))
	var log *C.char
	var stage C.int
	p := C.synCompileProgram(cs, C.int(len(src)), &log, &stage)
	if p == 0 {
		msg := ""
		if log != nil {
			msg = strings.TrimSpace(C.GoString(log))
			C.free(unsafe.Pointer(log))
		}
		what := "compile"
		if stage == 2 {
			what = "link"
		}
		return 0, fmt.Errorf("%w: %s: %s", ErrShader, what, msg)
	}
	return Program(p), CheckError("compiling shader")
}

// Use makes p the current program.
func (p Program) Use() { C.synUseProgram(C.GLuint(p)) }

// Delete frees p.
func (p Program) Delete() { C.synDeleteProgram(C.GLuint(p)) }

// Uniform returns the location of a uniform (−1 if absent).
func (p Program) Uniform(name string) int32 {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	return int32(C.synUniformLocation(C.GLuint(p), cs))
}

// SetUint sets a uint uniform of the current program.
func SetUint(loc int32, v uint32) { C.synUniform1ui(C.GLint(loc), C.GLuint(v)) }

// SetFloat sets a float uniform of the current program.
func SetFloat(loc int32, v float32) { C.synUniform1f(C.GLint(loc), C.GLfloat(v)) }

// Buffer is a GL buffer object used as shader storage.
type Buffer uint32

// NewBuffer creates a buffer name.
func NewBuffer() Buffer { return Buffer(C.synGenBuffer()) }

// Delete frees b.
func (b Buffer) Delete() { C.synDeleteBuffer(C.GLuint(b)) }

// Usage hints for Alloc.
const (
	StaticDraw  = 0x88E4
	DynamicDraw = 0x88E8
	StreamRead  = 0x88E1
	DynamicRead = 0x88E9
)

// Alloc (re)allocates b's store with size bytes, uninitialised, and reports
// GL_OUT_OF_MEMORY as ErrOutOfMemory.
func (b Buffer) Alloc(size int64, usage uint32) error {
	CheckError("before allocation") // drop stale flags
	C.synBufferData(C.GLuint(b), C.GLsizeiptr(size), nil, C.GLenum(usage))
	return CheckError(fmt.Sprintf("allocating %d bytes", size))
}

// Upload writes data at byte offset off.
func (b Buffer) Upload(off int64, data []byte) {
	if len(data) == 0 {
		return
	}
	C.synBufferSubData(C.GLuint(b), C.GLintptr(off), C.GLsizeiptr(len(data)), unsafe.Pointer(&data[0]))
}

// Download reads len(data) bytes at byte offset off, waiting for the
// commands writing b.
func (b Buffer) Download(off int64, data []byte) {
	if len(data) == 0 {
		return
	}
	C.synGetBufferSubData(C.GLuint(b), C.GLintptr(off), C.GLsizeiptr(len(data)), unsafe.Pointer(&data[0]))
}

// CopyTo copies size bytes from b at soff to dst at doff on the device.
func (b Buffer) CopyTo(dst Buffer, soff, doff, size int64) {
	C.synCopyBufferSubData(C.GLuint(b), C.GLuint(dst), C.GLintptr(soff), C.GLintptr(doff), C.GLsizeiptr(size))
}

// Bind binds b to shader storage binding index.
func (b Buffer) Bind(index uint32) { C.synBindBufferBase(C.GLuint(index), C.GLuint(b)) }

// Dispatch runs the current program on x×1×1 workgroups.
func Dispatch(x uint32) { C.synDispatchCompute(C.GLuint(x), 1, 1) }

// Barrier bits for MemoryBarrier.
const (
	BarrierStorage      = 0x2000 // GL_SHADER_STORAGE_BARRIER_BIT
	BarrierBufferUpdate = 0x0200 // GL_BUFFER_UPDATE_BARRIER_BIT
)

// MemoryBarrier orders shader writes before later reads of the given kinds.
func MemoryBarrier(bits uint32) { C.synMemoryBarrier(C.GLbitfield(bits)) }

// Finish waits for all commands.
func Finish() { C.synFinish() }

// Flush submits the queued commands without waiting, so that the device
// starts on them while the caller does other work.
func Flush() { C.synFlush() }

// BarrierClientMapped (GL_CLIENT_MAPPED_BUFFER_BARRIER_BIT) makes shader
// writes to persistently mapped buffers visible to the host once a later
// fence signals.
const BarrierClientMapped = 0x4000

// Buffer storage flags for NewMapped.
const (
	mapRead       = 0x0001 // GL_MAP_READ_BIT
	mapPersistent = 0x0040 // GL_MAP_PERSISTENT_BIT
	mapCoherent   = 0x0080 // GL_MAP_COHERENT_BIT
	clientStorage = 0x0200 // GL_CLIENT_STORAGE_BIT
)

// NewMapped creates an immutable buffer of size bytes, mapped for reading
// for its whole life (persistent, coherent: after a fence signals, the
// host sees what the device wrote before it). clientStorage asks for host
// memory, the target of device-side copies; without it the driver may
// place the store in device memory. The slice is valid until Delete, and
// may be read from any goroutine. Requires Context.BufferStorage.
func NewMapped(size int64, client bool) (Buffer, []byte, error) {
	CheckError("before allocation") // drop stale flags
	b := NewBuffer()
	flags := C.GLbitfield(mapRead | mapPersistent | mapCoherent)
	if client {
		flags |= clientStorage
	}
	var code C.GLenum
	p := C.synMapStorage(C.GLuint(b), C.GLsizeiptr(size), flags, C.GLbitfield(mapRead|mapPersistent|mapCoherent), &code)
	if p == nil {
		b.Delete()
		what := fmt.Sprintf("mapping %d bytes", size)
		if code == 0x0505 {
			return 0, nil, fmt.Errorf("%w: %s: GL_OUT_OF_MEMORY", ErrOutOfMemory, what)
		}
		return 0, nil, fmt.Errorf("%w: %s: %s", ErrGL, what, glError(code))
	}
	return b, unsafe.Slice((*byte)(p), size), nil
}

// Fence marks a point in the command stream (glFenceSync).
type Fence struct{ s C.GLsync }

// NewFence inserts a fence after the commands issued so far and flushes,
// so that the device works on them while the caller goes on.
func NewFence() Fence {
	f := Fence{C.synFenceSync()}
	C.synFlush()
	return f
}

// Valid reports whether f is a fence that has not been deleted.
func (f Fence) Valid() bool { return f.s != nil }

// ErrTimeout: a fence did not signal in time (a hung or lost device).
var ErrTimeout = errors.New("gl: fence timed out")

// Wait blocks until the commands before f have completed, up to timeout.
func (f Fence) Wait(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		// GL_SYNC_FLUSH_COMMANDS_BIT; waits of 100 ms so that the
		// deadline is checked.
		switch r := C.synClientWaitSync(f.s, 1, C.GLuint64(100*time.Millisecond)); r {
		case 0x911A, 0x911C: // GL_ALREADY_SIGNALED, GL_CONDITION_SATISFIED
			return nil
		case 0x911B: // GL_TIMEOUT_EXPIRED
			if time.Now().After(deadline) {
				return fmt.Errorf("%w after %v", ErrTimeout, timeout)
			}
		default: // GL_WAIT_FAILED
			return fmt.Errorf("%w: glClientWaitSync returned GL_WAIT_FAILED (%v)", ErrGL, CheckError("waiting for a fence"))
		}
	}
}

// Delete frees the fence (a no-op on a zero Fence).
func (f *Fence) Delete() {
	if f.s != nil {
		C.synDeleteSync(f.s)
		f.s = nil
	}
}

func eglError(code C.EGLint) string {
	names := map[C.EGLint]string{
		0x3000: "EGL_SUCCESS", 0x3001: "EGL_NOT_INITIALIZED", 0x3002: "EGL_BAD_ACCESS",
		0x3003: "EGL_BAD_ALLOC", 0x3004: "EGL_BAD_ATTRIBUTE", 0x3005: "EGL_BAD_CONFIG",
		0x3006: "EGL_BAD_CONTEXT", 0x3007: "EGL_BAD_CURRENT_SURFACE", 0x3008: "EGL_BAD_DISPLAY",
		0x3009: "EGL_BAD_MATCH", 0x300A: "EGL_BAD_NATIVE_PIXMAP", 0x300B: "EGL_BAD_NATIVE_WINDOW",
		0x300C: "EGL_BAD_PARAMETER", 0x300D: "EGL_BAD_SURFACE", 0x300E: "EGL_CONTEXT_LOST",
	}
	if s, ok := names[code]; ok {
		return s
	}
	return fmt.Sprintf("EGL error 0x%04X", int(code))
}

func glError(code C.GLenum) string {
	names := map[C.GLenum]string{
		0x0500: "GL_INVALID_ENUM", 0x0501: "GL_INVALID_VALUE", 0x0502: "GL_INVALID_OPERATION",
		0x0503: "GL_STACK_OVERFLOW", 0x0504: "GL_STACK_UNDERFLOW", 0x0505: "GL_OUT_OF_MEMORY",
		0x0506: "GL_INVALID_FRAMEBUFFER_OPERATION", 0x0507: "GL_CONTEXT_LOST",
	}
	if s, ok := names[code]; ok {
		return s
	}
	return fmt.Sprintf("GL error 0x%04X", int(code))
}
