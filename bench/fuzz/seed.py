#!/usr/bin/env python3
"""Writes the seed inputs of each fuzz target into corpus/<target>/ (kept in the repository,
minimized by run.sh). CSV seeds take a few lines of the open-licensed files in ../shared/data
(Ontario's fish stocking, OGL-Ontario; Canada's consultations registry, OGL-Canada); the rest
are written here. Run from anywhere; existing seeds are overwritten, nothing else is touched."""

import hashlib
import io
import os
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(os.path.dirname(ROOT), "shared", "data")


def put(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def head_lines(path, n, start=0):
    with open(path, "rb") as f:
        lines = f.read(200_000).split(b"\n")
    return b"\n".join(lines[:1] + lines[1 + start : 1 + start + n]) + b"\n"


# ---- markdown ----
for md in [
    "# Title\n\nSome *emphasis*, **strong** and `code`.\n\n- one\n- two\n",
    "[site](https://ontario.ca \"title\") [bad](javascript:alert(1)) <https://example.org>",
    "Hello <script>alert(1)</script> <img src=x onerror=alert(1)> <a href='jav&#x61;script:x'>x</a>",
    "| a | b |\n|---|---|\n| 1 | ~~2~~ |\n",
    "<div style=\"x\" onclick=\"y\">html</div>\n\n```\nfenced <b>\n```\n",
    "> quote\n>> nested\n\n1. a\n   * b\n\n![img](data:image/png;base64,AAAA)",
    "[a]: vbscript:msgbox \"t\"\n\n[x][a] <svg onload=alert(1)> <iframe src=//x>",
]:
    put("markdown", md)

# ---- site search text ----
for q in ["open data", "\"fish stocking\" -lake +trout OR bass", "NOT water* *:* AND &&",
          "données ouvertes", "title:x (a OR b) [1 TO 2]", "\"unclosed phrase", "- + ! OR"]:
    put("search_query", q)

# ---- fq ----
for allow, q in [
    (0, "organization:health tags:\"open data\""),
    (0, "res_format:(CSV OR XLSX) -access_level:restricted"),
    (1, "fish metadata_modified:[2020-01-01T00:00:00Z TO NOW]"),
    (0, "metadata_modified:[NOW-7DAYS TO NOW+1YEAR]"),
    (0, "metadata_modified:{2019-01-01 TO 2021-12-31}"),
    (1, "vocab_keywords:water AND license_id:OGL-ON-1.0 OR x"),
    (0, "update_frequency:yearly groups:(a OR \"b c\")"),
    (0, "metadata_modified:[* TO 9999-12-31]"),
]:
    put("fq", bytes([allow]) + q.encode())

# ---- OGP CSV import ----
COLUMNS = ["Commitment Unique Identifier", "Country/Locality", "Region", "Theme",
           "Year Of Submission", "Action Plan Number", "Commitment Number", "Commitment Title",
           "Short Title", "Full Text", "Lead Institution", "Supporting Institution(s)", "URL",
           "OGP Value Access To Information", "OGP Value Civic Participation",
           "OGP Value Public Accountability", "OGP Value Technology", "Specificity",
           "Potential Impact", "Completion", "Did It Open Government"]


def csv_line(cells):
    out = []
    for c in cells:
        if any(ch in c for ch in ",\"\n"):
            c = '"' + c.replace('"', '""') + '"'
        out.append(c)
    return ",".join(out)


row = ["CA0001", "Canada", "Americas", "Open Data; Fiscal Openness", "2022", "5", "1",
       "Open data for results", "Open data", "Publish the data, with \"quotes\", and more.",
       "Treasury Board", "Government: Statistics Canada; PCO | Civil society and private sector: NGO",
       "https://open.canada.ca/", "Yes", "No", "Yes", "No", "Medium", "Moderate",
       "Substantial", "Major"]
put("ogp_import", "\n".join([csv_line(COLUMNS), csv_line(row)]) + "\n")
bad = list(row)
bad[4], bad[17], bad[13] = "soon", "Huge", "Maybe"
put("ogp_import", "\ufeff" + "\n".join([csv_line(COLUMNS), csv_line(row), csv_line(bad), "a,b"]) + "\n")
put("ogp_import", "\n".join([csv_line(COLUMNS[:5] + ["Status"]), "1,2,3"]) + "\n")

# ---- CSV sniffing and type inference ----
fish = os.path.join(DATA, "ontario-fish-stocking", "fish-stocking.csv")
consult = os.path.join(DATA, "consultations-canada", "canada_consultations_listing_snapshot_2025-02-14.csv")
if os.path.exists(fish):
    put("csv_sniff", head_lines(fish, 6))
    put("csv_sniff", head_lines(fish, 4, start=5000).replace(b",", b";"))
if os.path.exists(consult):
    put("csv_sniff", head_lines(consult, 3))
for csv in [
    b"id,amount,when,ok\n1,12.5,2021-04-30,true\n2,-3,2021-04-30T10:15:00Z,FALSE\n",
    b"a;b;c\n1,5;2;3\n4;5,2;6\n",
    b"a\tb\n0164,2021-02-30\n12,9999-12-31 23:59\n",
    b"when\n9999-12-31T23:00:00-05:00\n0000-01-01 00:00+01:00\n",
    "name,montant\ncaf\u00e9,\u20ac 5\n".encode("cp1252"),
    b"\xef\xbb\xbfx,y\n\"quoted, comma\",\"line\nbreak\"\n'a,b',1e3\n",
    b"ministry,amount\nHealth,\"1,234\"\nEducation,-\n,No Value\n",
    "\ufeffa,b\n1,2\n".encode("utf-16"),
]:
    put("csv_sniff", csv)

# ---- workbooks ----
SHEET = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
         'spreadsheetml/2006/main"><dimension ref="A1:E3"/><sheetData>{}</sheetData></worksheet>')
rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>lake</t></is></c><c r="B1" t="s"><v>0</v></c>'
        '<c r="C1" t="inlineStr"><is><t>double</t></is></c><c r="D1" t="inlineStr"><is><t>stocked</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>Erie</t></is></c><c r="B2"><v>12</v></c>'
        '<c r="C2"><f>B2*2</f><v>24</v></c><c r="D2" s="1"><v>44316</v></c><c r="E2" s="2"><v>44316.5</v></c></row>'
        '<row r="4"><c r="A4" t="b"><v>1</v></c><c r="B4" t="e"><v>#DIV/0!</v></c><c r="D4" s="3"><v>1.25</v></c>'
        '<c r="E4" t="str"><v>text</v></c><c r="F4" t="d"><v>2021-04-30T10:00:00</v></c></row>')
STRINGS = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
           'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>fish</t></si></sst>')
put("workbook", b"\x00" + SHEET.format(rows).encode() + b"\x00" + STRINGS.encode())
put("workbook", b"\x00" + SHEET.format(rows).encode())
put("workbook", b"\x00" + SHEET.format('<row r="1"><c r="A1" s="1"><v>1e300</v></c>'
                                        '<c r="B1" s="2"><v>2958465.9999999</v></c></row>').encode())
CONTENT = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:'
           'opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
           '<office:spreadsheet><table:table table:name="S">{}</table:table></office:spreadsheet></office:body>'
           '</office:document-content>')
ods_rows = ('<table:table-row><table:table-cell office:value-type="string"><text:p>lake</text:p></table:table-cell>'
            '<table:table-cell office:value-type="string"><text:p>fish</text:p></table:table-cell></table:table-row>'
            '<table:table-row table:number-rows-repeated="2"><table:table-cell office:value-type="float" office:value="12">'
            '<text:p>12</text:p></table:table-cell><table:table-cell office:value-type="date" office:date-value="2021-04-30">'
            '<text:p>x</text:p></table:table-cell><table:table-cell table:number-columns-repeated="3" '
            'office:value-type="boolean" office:boolean-value="true"/></table:table-row>'
            '<table:table-row><table:covered-table-cell/><table:table-cell office:value-type="time" '
            'office:time-value="PT10H15M00S"/><table:table-cell office:value-type="percentage" office:value="0.5"/></table:table-row>')
put("workbook", b"\x01" + CONTENT.format(ods_rows).encode())
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    z.writestr("content.xml", CONTENT.format(ods_rows))
put("workbook", b"\x02" + buf.getvalue())

# ---- full-text q ----
for q in ["fish & lake", "(trout | bass) & !pike", "'lake erie' <-> stock:*", "a <2> b",
          "!!!(((x)))", "données & ouvertes:*", "the & of", "erie & huron | superior"]:
    put("fulltext", q)
