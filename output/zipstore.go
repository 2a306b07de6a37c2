package output

import (
	"encoding/binary"
	"fmt"
	"os"
	"strings"
)

// A zipStore writes a zip archive of stored (uncompressed) members whose
// sizes are known when the member is added, at fixed offsets of one file:
// reserve writes a member's local header and returns where its data goes,
// the data is written there (WriteAt, in any order, by several members
// at once), setCRC fills in the CRC-32 once the data is complete, and
// finish writes the central directory. Members, offsets or the archive
// beyond 4 GiB get zip64 records (APPNOTE 4.5.3), as Python's zipfile and
// numpy read them.
//
// Stored rather than deflated: every member of known size lands at a
// known offset, so the arrays are written straight from the batches
// without a temporary copy, and the writer is not held to one deflate
// stream on one core (the HDF5 file is the compressed format).
type zipStore struct {
	f       *os.File
	off     uint64 // end of what has been reserved
	entries []zipEntry
	force64 bool // zip64 records for every member (tests)
}

type zipEntry struct {
	name      string
	off, size uint64
	crc       uint32
	zip64     bool
}

const (
	u32max = 0xFFFFFFFF
	// dosDate is 1980-01-01, the zip epoch, and dosTime midnight: a fixed
	// time, so that equal inputs give equal files.
	dosDate = 1<<5 | 1
	dosTime = 0
)

// zip64Extra is the zip64 extended information field with the given
// 64-bit values.
func zip64Extra(vals ...uint64) []byte {
	b := binary.LittleEndian.AppendUint16(nil, 0x0001)
	b = binary.LittleEndian.AppendUint16(b, uint16(8*len(vals)))
	for _, v := range vals {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	return b
}

// reserve adds a member of size bytes after the ones before, writes its
// local header (CRC 0 until setCRC) and returns its index and the offset
// of its data.
func (z *zipStore) reserve(name string, size uint64) (int, uint64, error) {
	e := zipEntry{name: name, off: z.off, size: size, zip64: z.force64 || size >= u32max}
	le := binary.LittleEndian
	h := le.AppendUint32(nil, 0x04034b50)
	version := uint16(20)
	if e.zip64 {
		version = 45
	}
	h = le.AppendUint16(h, version)
	h = le.AppendUint16(h, 0) // flags
	h = le.AppendUint16(h, 0) // stored
	h = le.AppendUint16(h, dosTime)
	h = le.AppendUint16(h, dosDate)
	h = le.AppendUint32(h, 0) // CRC-32, set by setCRC
	var extra []byte
	if e.zip64 {
		h = le.AppendUint32(h, u32max)
		h = le.AppendUint32(h, u32max)
		extra = zip64Extra(size, size)
	} else {
		h = le.AppendUint32(h, uint32(size))
		h = le.AppendUint32(h, uint32(size))
	}
	h = le.AppendUint16(h, uint16(len(name)))
	h = le.AppendUint16(h, uint16(len(extra)))
	h = append(h, name...)
	h = append(h, extra...)
	if _, err := z.f.WriteAt(h, int64(e.off)); err != nil {
		return 0, 0, err
	}
	data := e.off + uint64(len(h))
	z.off = data + size
	z.entries = append(z.entries, e)
	return len(z.entries) - 1, data, nil
}

// setCRC records member i's CRC-32 in its local header.
func (z *zipStore) setCRC(i int, crc uint32) error {
	z.entries[i].crc = crc
	_, err := z.f.WriteAt(binary.LittleEndian.AppendUint32(nil, crc), int64(z.entries[i].off)+14)
	return err
}

// add reserves a member and writes data into it.
func (z *zipStore) add(name string, data []byte, crc uint32) error {
	i, off, err := z.reserve(name, uint64(len(data)))
	if err != nil {
		return err
	}
	if _, err := z.f.WriteAt(data, int64(off)); err != nil {
		return err
	}
	return z.setCRC(i, crc)
}

// finish writes the central directory and the end records after the last
// member.
func (z *zipStore) finish() error {
	le := binary.LittleEndian
	var cd []byte
	for _, e := range z.entries {
		zip64 := e.zip64 || e.off >= u32max || z.force64
		version := uint16(20)
		if zip64 {
			version = 45
		}
		cd = le.AppendUint32(cd, 0x02014b50)
		cd = le.AppendUint16(cd, 3<<8|version) // made by Unix
		cd = le.AppendUint16(cd, version)
		cd = le.AppendUint16(cd, 0)
		cd = le.AppendUint16(cd, 0)
		cd = le.AppendUint16(cd, dosTime)
		cd = le.AppendUint16(cd, dosDate)
		cd = le.AppendUint32(cd, e.crc)
		var vals []uint64
		size32, off32 := uint32(e.size), uint32(e.off)
		if e.zip64 {
			size32 = u32max
			vals = append(vals, e.size, e.size)
		}
		if e.off >= u32max || z.force64 {
			off32 = u32max
			vals = append(vals, e.off)
		}
		var extra []byte
		if len(vals) > 0 {
			extra = zip64Extra(vals...)
		}
		cd = le.AppendUint32(cd, size32)
		cd = le.AppendUint32(cd, size32)
		cd = le.AppendUint16(cd, uint16(len(e.name)))
		cd = le.AppendUint16(cd, uint16(len(extra)))
		cd = le.AppendUint16(cd, 0)         // comment
		cd = le.AppendUint16(cd, 0)         // disk
		cd = le.AppendUint16(cd, 0)         // internal attributes
		cd = le.AppendUint32(cd, 0o644<<16) // external: -rw-r--r--
		cd = le.AppendUint32(cd, off32)
		cd = append(cd, e.name...)
		cd = append(cd, extra...)
	}
	start, n := z.off, uint64(len(z.entries))
	end := start + uint64(len(cd))
	if z.force64 || start >= u32max || end >= u32max || n >= 0xFFFF {
		cd = le.AppendUint32(cd, 0x06064b50) // zip64 end of central directory
		cd = le.AppendUint64(cd, 44)
		cd = le.AppendUint16(cd, 3<<8|45)
		cd = le.AppendUint16(cd, 45)
		cd = le.AppendUint32(cd, 0)
		cd = le.AppendUint32(cd, 0)
		cd = le.AppendUint64(cd, n)
		cd = le.AppendUint64(cd, n)
		cd = le.AppendUint64(cd, end-start)
		cd = le.AppendUint64(cd, start)
		cd = le.AppendUint32(cd, 0x07064b50) // its locator
		cd = le.AppendUint32(cd, 0)
		cd = le.AppendUint64(cd, end)
		cd = le.AppendUint32(cd, 1)
	}
	cd = le.AppendUint32(cd, 0x06054b50)
	cd = le.AppendUint16(cd, 0)
	cd = le.AppendUint16(cd, 0)
	cd = le.AppendUint16(cd, uint16(min(n, 0xFFFF)))
	cd = le.AppendUint16(cd, uint16(min(n, 0xFFFF)))
	cd = le.AppendUint32(cd, uint32(min(end-start, u32max)))
	cd = le.AppendUint32(cd, uint32(min(start, u32max)))
	cd = le.AppendUint16(cd, 0)
	_, err := z.f.WriteAt(cd, int64(start))
	return err
}

// npyHeader is the .npy format 1.0 header of an array of dtype descr
// ("|u1", "|b1", "|S120") and the given shape, C order, padded with
// spaces so that the data starts at a multiple of 64 bytes.
func npyHeader(descr string, shape []int) []byte {
	var dims []string
	for _, d := range shape {
		dims = append(dims, fmt.Sprint(d))
	}
	sh := strings.Join(dims, ", ")
	if len(shape) == 1 {
		sh += ","
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, sh)
	total := 10 + len(dict) + 1
	pad := (64 - total%64) % 64
	h := []byte("\x93NUMPY\x01\x00")
	hl := len(dict) + pad + 1
	h = binary.LittleEndian.AppendUint16(h, uint16(hl))
	h = append(h, dict...)
	h = append(h, strings.Repeat(" ", pad)...)
	return append(h, '\n')
}
