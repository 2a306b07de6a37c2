# Builds fonts/testdata/cff2/CantarellTestVF.otf (the family "Cantarell
# Test VF"): a tiny CFF2 variable
# font (wght 400..700) from Debian's fonts-cantarell Cantarell-Regular.otf
# (OFL-1.1), subset to a-z A-Z. The wght 700 master is the regular
# outlines widened by 20% (Cantarell's static Bold is not point-compatible
# with its Regular), so the axis really varies the outlines.
# Run with Debian's python3-fonttools: /usr/bin/python3 make.py OUT.otf
import sys
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.pens.transformPen import TransformPen
from fontTools.designspaceLib import DesignSpaceDocument, SourceDescriptor, AxisDescriptor
from fontTools.varLib import build

chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
opts = subset.Options()
opts.layout_features = []
opts.notdef_outline = True
opts.desubroutinize = True
opts.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
f = TTFont("/usr/share/fonts/opentype/cantarell/Cantarell-Regular.otf")
s = subset.Subsetter(opts)
s.populate(text=chars)
s.subset(f)
for n in (1, 4, 6):
    for rec in f["name"].names:
        if rec.nameID == n:
            rec.string = {1: "Cantarell Test VF", 4: "Cantarell Test VF Regular", 6: "CantarellTestVF-Regular"}[n]
f.save("m-Regular.otf")



def redraw(name, sx):
    # Both masters are redrawn through the same pen, which drops the
    # hints, so their charstrings have the same operators.
    b = TTFont("m-Regular.otf")
    cff = b["CFF "].cff
    top = cff.topDictIndex[0]
    gs = b.getGlyphSet()
    new = {}
    for g in b.getGlyphOrder():
        w = round(b["hmtx"][g][0] * sx)
        pen = T2CharStringPen(w, gs)
        gs[g].draw(TransformPen(pen, (sx, 0, 0, 1, 0, 0)))
        new[g] = (pen.getCharString(private=top.Private, globalSubrs=cff.GlobalSubrs), w)
    for g, (c, w) in new.items():
        top.CharStrings[g] = c
        b["hmtx"][g] = (w, b["hmtx"][g][1])
    b.save(name)


redraw("m-Bold.otf", 1.2)
redraw("m-Regular.otf", 1.0)

d = DesignSpaceDocument()
a = AxisDescriptor()
a.tag, a.name, a.minimum, a.default, a.maximum = "wght", "Weight", 400, 400, 700
d.addAxis(a)
for name, w in [("Regular", 400), ("Bold", 700)]:
    src = SourceDescriptor()
    src.path, src.location = "m-%s.otf" % name, {"Weight": w}
    d.addSource(src)
vf, _, _ = build(d)
vf.save(sys.argv[1])
