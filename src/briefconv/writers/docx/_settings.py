"""``word/settings.xml`` as Word writes it: compatibility, fonts, and no field updates.

* **Compatibility** (:func:`set_compatibility`, before any content is written, as tables
  are laid out for the mode): python-docx's template says Word 2010 (``compatibilityMode``
  14) with East Asian layout on (``w:useFELayout``), and Word opens such a file in
  "Compatibility Mode". Without a template the document gets the ``w:compat`` a new Word
  (2013 to 365) document has. A template keeps its own: its author chose its layout.
* **Theme font language**: the template's ``w:themeFontLang`` says en-US with Japanese
  East Asian text; it becomes the document's language.
* **Fonts** (:func:`settle`): the font table (:mod:`._fonts`), and
  ``w:embedTrueTypeFonts`` (with ``w:saveSubsetFonts`` when the faces are subsets, so
  that Word keeps them subsets when it saves) where faces are embedded.
* **No field updates on opening**: the contents' page numbers are filled in when the file
  is written, so ``w:updateFields``, which makes Word ask "update the fields?" on
  opening, goes (a template's too).

Elements go in schema order (ECMA-376 CT_Settings, :data:`_ORDER`): Word rejects a file
whose settings are out of order.
"""

from __future__ import annotations

from docx.oxml.ns import qn

from briefconv.styles import Style
from briefconv.writers.docx._fonts import write_font_table
from briefconv.writers.docx._oxml import Doc, Elem, el
from briefconv.writers.options import DocxOptions

__all__ = ["set_compatibility", "settle"]

_WORD_URI = "http://schemas.microsoft.com/office/word"

#: The ``w:compat`` of a document made by Word 2013 to 365 (compatibilityMode 15): tables
#: indented to their edge, OpenType features on, multi-row table headers told apart.
WORD_COMPAT: tuple[tuple[str, str], ...] = (
    ("compatibilityMode", "15"),
    ("overrideTableStyleFontSizeAndJustification", "1"),
    ("enableOpenTypeFeatures", "1"),
    ("doNotFlipMirrorIndents", "1"),
    ("differentiateMultirowTableHeaders", "1"),
    ("useWord2013TrackBottomHyphenation", "0"),
)

#: The children of ``w:settings`` in schema order (ECMA-376 Part 1, CT_Settings).
_ORDER: tuple[str, ...] = (
    "w:writeProtection", "w:view", "w:zoom", "w:removePersonalInformation",
    "w:removeDateAndTime", "w:doNotDisplayPageBoundaries", "w:displayBackgroundShape",
    "w:printPostScriptOverText", "w:printFractionalCharacterWidth", "w:printFormsData",
    "w:embedTrueTypeFonts", "w:embedSystemFonts", "w:saveSubsetFonts", "w:saveFormsData",
    "w:mirrorMargins", "w:alignBordersAndEdges", "w:bordersDoNotSurroundHeader",
    "w:bordersDoNotSurroundFooter", "w:gutterAtTop", "w:hideSpellingErrors",
    "w:hideGrammaticalErrors", "w:activeWritingStyle", "w:proofState", "w:formsDesign",
    "w:attachedTemplate", "w:linkStyles", "w:stylePaneFormatFilter",
    "w:stylePaneSortMethod", "w:documentType", "w:mailMerge", "w:revisionView",
    "w:trackRevisions", "w:doNotTrackMoves", "w:doNotTrackFormatting",
    "w:documentProtection", "w:autoFormatOverride", "w:styleLockTheme",
    "w:styleLockQFSet", "w:defaultTabStop", "w:autoHyphenation",
    "w:consecutiveHyphenLimit", "w:hyphenationZone", "w:doNotHyphenateCaps",
    "w:showEnvelope", "w:summaryLength", "w:clickAndTypeStyle", "w:defaultTableStyle",
    "w:evenAndOddHeaders", "w:bookFoldRevPrinting", "w:bookFoldPrinting",
    "w:bookFoldPrintingSheets", "w:drawingGridHorizontalSpacing",
    "w:drawingGridVerticalSpacing", "w:displayHorizontalDrawingGridEvery",
    "w:displayVerticalDrawingGridEvery", "w:doNotUseMarginsForDrawingGridOrigin",
    "w:drawingGridHorizontalOrigin", "w:drawingGridVerticalOrigin",
    "w:doNotShadeFormData", "w:noPunctuationKerning", "w:characterSpacingControl",
    "w:printTwoOnOne", "w:strictFirstAndLastChars", "w:noLineBreaksAfter",
    "w:noLineBreaksBefore", "w:savePreviewPicture", "w:doNotValidateAgainstSchema",
    "w:saveInvalidXml", "w:ignoreMixedContent", "w:alwaysShowPlaceholderText",
    "w:doNotDemarcateInvalidXml", "w:saveXmlDataOnly", "w:useXSLTWhenSaving",
    "w:saveThroughXslt", "w:showXMLTags", "w:alwaysMergeEmptyNamespace",
    "w:updateFields", "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat",
    "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang",
    "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures",
    "w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "w:smartTagType",
    "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol",
    "w:listSeparator",
)  # fmt: skip


def _put(settings: Elem, element: Elem) -> None:
    """Put ``element`` into ``settings`` in schema order, replacing one of its kind."""
    tag = element.tag
    for old in settings.findall(tag):
        settings.remove(old)
    name = next(n for n in _ORDER if qn(n) == tag)
    settings.insert_element_before(element, *_ORDER[_ORDER.index(name) + 1 :])


def _drop(settings: Elem, name: str) -> None:
    for old in settings.findall(qn(name)):
        settings.remove(old)


def set_compatibility(doc: Doc, language: str) -> None:
    """Word 2013+ compatibility settings and the document's theme font language.

    For python-docx's own template only (a template keeps its own); call it before
    writing content, whose layout may depend on the mode (:mod:`._tables`).
    """
    settings = doc.settings.element
    compat = el("w:compat")
    for name, value in WORD_COMPAT:
        compat.append(el("w:compatSetting", name=name, uri=_WORD_URI, val=value))
    _put(settings, compat)
    # Theme fonts are never used (styles name their fonts, PITFALLS 6); the language they
    # would be picked for is the document's, not the template's en-US with Japanese.
    _put(settings, el("w:themeFontLang", val=language))


def settle(doc: Doc, style: Style) -> None:
    """The settings known once the document is written: fonts, and no field updates."""
    settings = doc.settings.element
    # The contents' page numbers are filled in: nothing for Word to ask about on opening.
    _drop(settings, "w:updateFields")
    table = write_font_table(doc, style, embed=DocxOptions.of(style).embed_fonts)
    if table.embeds:
        _put(settings, el("w:embedTrueTypeFonts"))
        if table.subset:
            _put(settings, el("w:saveSubsetFonts"))
    else:
        _drop(settings, "w:embedTrueTypeFonts")
        _drop(settings, "w:saveSubsetFonts")
