package images_test

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"log"
	"os"
	"path/filepath"

	"github.com/synbols-gpu/synbols-gpu/images"
)

func Example() {
	dir, err := os.MkdirTemp("", "natural-patterns")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	// A 1024×256 image and a small one in a sub-folder, and a file that
	// is not an image.
	save := func(rel string, w, h int) {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			log.Fatal(err)
		}
		f, err := os.Create(p)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
			log.Fatal(err)
		}
	}
	save("wide.png", 1024, 256)
	save("forest/leaves.PNG", 64, 48)
	if err := os.WriteFile(filepath.Join(dir, "LICENSE.txt"), []byte("CC0"), 0o644); err != nil {
		log.Fatal(err)
	}

	pool, err := images.Load(context.Background(), dir, images.Options{
		Warn: func(line string) { fmt.Println("warning:", line) },
	})
	if err != nil {
		log.Fatal(err)
	}
	for i, p := range pool.Paths {
		im := pool.Images[i]
		fmt.Printf("%s %d×%d at %d\n", p, im.Width, im.Height, im.Offset)
	}
	fmt.Println(len(pool.Pixels), "pixels, digest", len(pool.Digest), "hex digits")
	// Output:
	// forest/leaves.PNG 64×48 at 0
	// wide.png 512×128 at 3072
	// 68608 pixels, digest 64 hex digits
}
