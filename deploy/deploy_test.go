package deploy

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
	"go.yaml.in/yaml/v3"
)

// TestKubernetesManifests parses kubernetes/generate-job.yaml (no kubectl)
// and checks what the API server requires of each object, and of the
// batch/v1 Jobs what the sharded run relies on: an Indexed Job whose
// completions match SHARDS, its pods passing JOB_COMPLETION_INDEX to
// --shard, every container with a name and an image, restartPolicy Never
// or OnFailure, the shared claim mounted, and a merge Job.
func TestKubernetesManifests(t *testing.T) {
	raw, err := os.ReadFile("kubernetes/generate-job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	var docs []map[string]any
	for {
		var d map[string]any
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("YAML: %v", err)
		}
		docs = append(docs, d)
	}
	str := func(m map[string]any, path ...string) string {
		var v any = m
		for _, p := range path {
			mm, ok := v.(map[string]any)
			if !ok {
				return ""
			}
			v = mm[p]
		}
		s, _ := v.(string)
		return s
	}
	sub := func(m any, key string) map[string]any {
		mm, _ := m.(map[string]any)
		r, _ := mm[key].(map[string]any)
		return r
	}
	claims := map[string]bool{}
	var indexed, merges int
	for i, d := range docs {
		name := str(d, "metadata", "name")
		if str(d, "apiVersion") == "" || str(d, "kind") == "" || name == "" {
			t.Fatalf("document %d lacks apiVersion, kind or metadata.name", i)
		}
		if !regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`).MatchString(name) {
			t.Errorf("%s: not a DNS-1123 name", name)
		}
		switch str(d, "kind") {
		case "PersistentVolumeClaim":
			claims[name] = true
			continue
		case "Job":
		default:
			t.Errorf("%s: unexpected kind %s", name, str(d, "kind"))
			continue
		}
		if str(d, "apiVersion") != "batch/v1" {
			t.Errorf("%s: apiVersion %s, want batch/v1", name, str(d, "apiVersion"))
		}
		spec := sub(d, "spec")
		pod := sub(sub(spec, "template"), "spec")
		if pod == nil {
			t.Fatalf("%s: no spec.template.spec", name)
		}
		if rp, _ := pod["restartPolicy"].(string); rp != "Never" && rp != "OnFailure" {
			t.Errorf("%s: restartPolicy %q: a Job's pods need Never or OnFailure", name, rp)
		}
		containers, _ := pod["containers"].([]any)
		if len(containers) == 0 {
			t.Fatalf("%s: no containers", name)
		}
		var script string
		for _, c := range containers {
			cm, _ := c.(map[string]any)
			if str(cm, "name") == "" || str(cm, "image") == "" {
				t.Errorf("%s: a container without name or image: %v", name, cm)
			}
			args, _ := cm["args"].([]any)
			for _, a := range args {
				s, _ := a.(string)
				script += s + " "
			}
			env, _ := cm["env"].([]any)
			for _, e := range env {
				em, _ := e.(map[string]any)
				if str(em, "name") == "SHARDS" {
					script += "SHARDS=" + str(em, "value") + " "
				}
			}
		}
		vols, _ := pod["volumes"].([]any)
		mounted := false
		for _, v := range vols {
			if c := str(sub(v, "persistentVolumeClaim"), "claimName"); c != "" {
				mounted = claims[c]
			}
		}
		if !mounted {
			t.Errorf("%s: does not mount the shared claim defined above it", name)
		}
		if spec["completionMode"] == "Indexed" {
			indexed++
			comp, _ := spec["completions"].(int)
			if comp < 1 {
				t.Errorf("%s: an Indexed Job needs completions >= 1, got %v", name, spec["completions"])
			}
			if p, ok := spec["parallelism"].(int); ok && p < 1 {
				t.Errorf("%s: parallelism %d", name, p)
			}
			for _, w := range []string{"--shard \"$JOB_COMPLETION_INDEX/$SHARDS\"", "SHARDS=" + strconv.Itoa(comp) + " "} {
				if !strings.Contains(script, w) {
					t.Errorf("%s: the pods' command lacks %q (completions %d):\n%s", name, w, comp, script)
				}
			}
		} else if strings.Contains(script, "synbols-gpu merge") {
			merges++
		}
	}
	if indexed != 1 || merges != 1 {
		t.Errorf("%d Indexed generate Jobs and %d merge Jobs, want one of each", indexed, merges)
	}
}

// sbatchLine is one #SBATCH directive: a long option with an optional
// value.
var sbatchLine = regexp.MustCompile(`^#SBATCH --[a-z][a-z-]*(=\S+)?$`)

// TestSlurmScripts: the scripts parse (bash -n), their #SBATCH lines are
// well-formed and come before the first command (sbatch ignores later
// ones), the generate script is a job array; then the array is run here
// as Slurm would run it — three tasks with SLURM_ARRAY_TASK_ID/COUNT set,
// then merge.sbatch — and the merged file is the whole dataset.
func TestSlurmScripts(t *testing.T) {
	for _, f := range []string{"slurm/generate.sbatch", "slurm/merge.sbatch", "slurm/submit.sh"} {
		if out, err := exec.Command("bash", "-n", f).CombinedOutput(); err != nil {
			t.Errorf("bash -n %s: %v: %s", f, err, out)
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		code, directives := false, map[string]bool{}
		for i, line := range strings.Split(string(raw), "\n") {
			if strings.HasPrefix(line, "#SBATCH") {
				if !sbatchLine.MatchString(line) {
					t.Errorf("%s:%d: malformed directive %q", f, i+1, line)
				}
				if code {
					t.Errorf("%s:%d: #SBATCH after the first command is ignored by sbatch", f, i+1)
				}
				opt, _, _ := strings.Cut(strings.TrimPrefix(line, "#SBATCH --"), "=")
				directives[opt] = true
				continue
			}
			if s := strings.TrimSpace(line); s != "" && !strings.HasPrefix(s, "#") {
				code = true
			}
		}
		if strings.HasSuffix(f, ".sbatch") && !directives["job-name"] {
			t.Errorf("%s: no --job-name", f)
		}
		if f == "slurm/generate.sbatch" && !directives["array"] {
			t.Errorf("%s: not a job array (#SBATCH --array)", f)
		}
	}

	dir := t.TempDir()
	bin := pytest.BuildCLI(t, dir)
	out := filepath.Join(dir, "out")
	env := append(os.Environ(), "SYNBOLS_GPU="+bin, "OUT_DIR="+out, "N_SAMPLES=20", "SEED=3",
		"EXTRA_ARGS=--system-fonts=false", "XDG_CACHE_HOME="+filepath.Join(dir, "cache"))
	for k := range 3 {
		cmd := exec.Command("bash", "slurm/generate.sbatch")
		cmd.Env = append(env, "SLURM_ARRAY_TASK_ID="+string(rune('1'+k)), "SLURM_ARRAY_TASK_MIN=1", "SLURM_ARRAY_TASK_COUNT=3")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("task %d: %v: %s", k, err, b)
		}
	}
	cmd := exec.Command("bash", "slurm/merge.sbatch")
	cmd.Env = env
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("merge.sbatch: %v: %s", err, b)
	}
	py := pytest.Python(t)
	pytest.Run(t, py, `
import h5py, sys
f = h5py.File(sys.argv[1], "r")
assert f["x"].shape[0] == 20 and f["x"].is_virtual and f["x"][:].any()
assert sorted(f["split"]) == ["compositional_char_font", "random", "stratified_char", "stratified_font"]
`, filepath.Join(out, "default.h5py"))
	cmd = exec.Command("bash", "slurm/generate.sbatch")
	cmd.Env = env // not an array task
	if b, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(b), "job array") {
		t.Errorf("outside an array: %v: %s", err, b)
	}
}
