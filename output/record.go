package output

// AppendRecord appends the JSON record r to dst as a file's y holds it:
// non-ASCII characters escaped as json.dumps does (\uXXXX, surrogate pairs
// beyond the BMP). A stream of the samples (synbols-gpu stream) writes its
// records with it, so that they equal the file's byte for byte. Invalid
// UTF-8 and NUL bytes are errors, as in Write.
func AppendRecord(dst, r []byte) ([]byte, error) { return appendASCII(dst, r) }
