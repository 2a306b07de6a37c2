package train

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
)

// smallRun is the harness's small CPU run (README.md, "A small CPU run"):
// 6,000 samples of default-bw, the i.i.d. partition (the file's
// split/random), MLP and Conv-4 GAP, 2 epochs, one seed, one learning rate.
var smallRun = []string{
	"--tasks", "default-bw:iid", "--backbones", "mlp,conv4-gap",
	"--n-samples", "6000", "--seeds", "0", "--lr-grid", "1e-3",
	"--epochs", "2", "--batch-size", "32", "--device", "cpu", "--backend", "cpu",
}

// chanceBound is the least MLP test accuracy (%) the small run must reach:
// 26 classes make chance 3.85%; over its 1,200 test samples a classifier
// at chance has a standard deviation of 0.56 points, so 6.5% is 4.8 of them
// above chance (a chance-level model gets there with probability < 1e-5),
// while the MLP reaches about 13% here.
const chanceBound = 6.5

// TestSmallRun builds synbols-gpu and runs train.py small on the CPU, then
// checks the printed table (a row for MLP and for Conv-4 GAP, each cell an
// accuracy in [0, 100], the MLP's above chanceBound), results.json and the
// PNG plot. Without torch or matplotlib it is skipped, and fails under CI.
func TestSmallRun(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the harness run takes a minute or two")
	}
	python := pytest.Python(t)
	for _, m := range []struct{ mod, pkg string }{{"torch", "python3-torch"}, {"matplotlib", "python3-matplotlib"}} {
		if !pytest.Has(t, python, m.mod, m.pkg) {
			t.Skip("the harness needs " + m.mod)
		}
	}
	here, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Dir(filepath.Dir(here))
	dir := t.TempDir()
	bin := pytest.BuildCLI(t, dir)
	out := filepath.Join(dir, "out")
	args := append([]string{filepath.Join(here, "train.py")}, smallRun...)
	args = append(args, "--data-dir", filepath.Join(dir, "data"), "--out-dir", out)
	cmd := exec.Command(python, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SYNBOLS_GPU="+bin, "PYTHONPATH="+filepath.Join(root, "python"),
		"PYTHONDONTWRITEBYTECODE=1", "MPLBACKEND=Agg", "MPLCONFIGDIR="+filepath.Join(dir, "mpl"))
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("train.py: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	t.Logf("train.py small run: %.1f s\n%s", time.Since(start).Seconds(), stdout.String())

	acc := map[string]float64{}
	for _, line := range strings.Split(stdout.String(), "\n") {
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		if len(cells) != 2 {
			continue
		}
		name := strings.TrimSpace(cells[0])
		if name != "MLP" && name != "Conv-4 GAP" {
			continue
		}
		v, err := strconv.ParseFloat(strings.Fields(cells[1])[0], 64)
		if err != nil {
			t.Fatalf("row %q: accuracy %q is not a number", name, cells[1])
		}
		if v < 0 || v > 100 {
			t.Errorf("row %q: accuracy %v outside [0, 100]", name, v)
		}
		acc[name] = v
	}
	for _, name := range []string{"MLP", "Conv-4 GAP"} {
		if _, ok := acc[name]; !ok {
			t.Errorf("no %q row in the table:\n%s", name, stdout.String())
		}
	}
	if v, ok := acc["MLP"]; ok && v <= chanceBound {
		t.Errorf("MLP test accuracy %.2f%% is not above %.1f%% (chance 3.85%%)", v, chanceBound)
	}
	png, err := os.ReadFile(filepath.Join(out, "results.png"))
	if err != nil || len(png) < 8 || string(png[1:4]) != "PNG" {
		t.Errorf("results.png: not a PNG (%v)", err)
	}
	if _, err := os.Stat(filepath.Join(out, "results.json")); err != nil {
		t.Error(err)
	}
}
