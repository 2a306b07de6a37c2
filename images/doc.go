// Package images loads the natural images that ImagePattern backgrounds
// and foregrounds draw from (the original Synbols' "natural-patterns"
// dataset) into an engine.ImagePool.
//
// # What is loaded
//
// Load walks a folder recursively, in the manner of the original's
// glob(root/**/*.*): every file whose extension is .jpg, .jpeg, .png or
// .gif, in any letter case, is a candidate; other files are ignored
// silently. As with Python's glob, names beginning with "." (files and
// folders) are left out: they are hidden files, most often macOS "._x.jpg"
// resource forks that would only be skipped as corrupt. Symbolic links to
// files are followed; links to folders are not, so a link cycle cannot
// make the walk endless and every image has one path. Files are decoded
// by content (image/jpeg, image/png, image/gif, the first frame of a
// GIF), whatever their extension says.
//
// Each image is converted to 8-bit RGB, transparent pixels composited
// over black (the premultiplied colour, as image.Image's At reports it),
// and downscaled with an exact area (box) filter so that its longest side
// is at most Options.MaxSide (default 512). The painter crops at least
// 20% of each side of a random image and resizes the crop to a 32–128 px
// image, so more than 512 px on a side is never sampled finely enough to
// matter, and the pool stays bounded: at most 512·512·4 bytes (1 MiB) per
// image, whatever the files hold. Smaller images are kept as they are,
// never upscaled.
//
// # Hostile and broken files
//
// Before decoding, each file is checked with image.DecodeConfig: a file
// over 64 MiB, or one declaring more than 100 megapixels, is refused, so
// a small file claiming a huge canvas cannot exhaust memory. Files
// decoded at the same time are also bounded together (200 megapixels),
// so parallel decoding cannot multiply that bound by the number of
// cores. A refused file, one that fails to decode, and a sub-folder that
// cannot be read are skipped, each with one line through Options.Warn
// naming it and giving the reason (the decoder's message).
//
// # Errors
//
// A folder that is missing, unreadable or not a folder is ErrFolder,
// wrapping the OS error (so errors.Is(err, fs.ErrNotExist) and
// fs.ErrPermission work too). A folder without one usable image is
// ErrNoImages, naming the folder and, when files were skipped, how many.
// More candidates than Options.MaxImages is ErrTooManyImages, reported
// during the walk, before anything is decoded. A done context stops the
// walk and the decoding; the error wraps context.Cause.
//
// # Identity
//
// The pool's Digest is its identity, recorded in datasets so that one can
// tell whether a folder still holds the images a dataset was made from:
// the SHA-256, in hex, over each image in Paths order of its relative
// path (slash-separated) and a NUL byte, then its width and height as
// 32-bit little-endian words, then its pixel words, little-endian. It
// depends only on the images' relative paths and decoded pixels (after
// downscaling, so on MaxSide too), never on the folder's absolute path,
// file times, walk order or the number of cores.
//
// # Concurrency
//
// Load decodes files in parallel (at most GOMAXPROCS at once); the pool
// is identical to a one-at-a-time load, and Options.Warn is called only
// from Load's own goroutine: first for what the walk skips (unreadable
// folders, broken links), then for files in path order. The returned pool
// is never modified afterwards: treat it as read-only, and it is safe to
// share between goroutines and batches.
package images
