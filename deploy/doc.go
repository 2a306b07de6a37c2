// Package deploy holds no code: it is the home of the cluster recipes for
// sharded runs (slurm/, kubernetes/; README, "Scaling out") and of the test
// that checks them without a cluster.
package deploy
