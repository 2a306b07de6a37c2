// Package paint is the per-pixel math the painting backends share: pattern
// evaluation (Fill, PatternColor), the composite patterns (LayersColor and
// Over, the camouflage strokes of CamoStroke, ImageColor), SDF sampling and
// coverage (SDFTable, Coverage, SubCoverage) and the pixel noise
// (NoiseTable, Noise). It reads engine's plan records and computes what
// docs/painting.md describes.
//
// engine/cpu calls it pixel by pixel (or spells out, in its inner loops,
// the small pieces Go will not inline, with the same float32 operations),
// and shaders/paint.comp repeats it operation for operation in GLSL; the
// GPU backend (engine/gpu) uploads NoiseTable, the SDF decode table and
// ByteTable and takes the camouflage constants from here. Keep the three
// in step: the parity tests of engine/gpu and the golden images of
// engine/cpu check that they write the same bytes.
//
// None of it is part of the plan's contract (package engine): it is
// internal so that it can change with the painters.
package paint
