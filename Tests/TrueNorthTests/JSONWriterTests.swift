import Foundation
import Testing
@testable import TrueNorthIO

/// The one JSON writer: structure, escaping, layouts, line breaks and number formats.
@Suite struct JSONWriterTests {
  @Test func objectsKeepTheOrderWrittenAndEscapeStrings() throws {
    var w = JSONTextWriter()
    w.beginObject()
    w.member("zeta", "a \"quoted\" \\ name\nwith a tab\t and \u{1} bell")
    w.member("alpha", -42)
    w.member("ok", true)
    w.key("none")
    w.null()
    w.key("list")
    w.array([3, -1, 0] as [Int32])
    w.endObject()
    #expect(w.text == #"{"zeta": "a \"quoted\" \\ name\nwith a tab\t and \u0001 bell", "alpha": -42, "ok": true, "none": null, "list": [3,-1,0]}"#)
    let parsed = try JSONNode.parse(w.bytes)
    guard case .object(let members) = parsed.value else { Issue.record("not an object"); return }
    #expect(members.map(\.key) == ["zeta", "alpha", "ok", "none", "list"])
    #expect(members[0].value.value == .string("a \"quoted\" \\ name\nwith a tab\t and \u{1} bell"))
  }

  @Test func keysAreEscapedToo() throws {
    var w = JSONTextWriter()
    w.beginObject(.compact)
    w.member("a\"b", 1)
    w.endObject()
    #expect(w.text == #"{"a\"b":1}"#)
  }

  @Test func layoutsAndLineBreaks() {
    var w = JSONTextWriter()
    w.beginObject()
    w.lineBreak(indent: 2)
    w.member("a", 1)
    w.lineBreak(indent: 2)
    w.key("rows")
    w.beginArray(.compact)
    for k in 0..<5 {
      if k % 2 == 0 { w.lineBreak(indent: 4) }
      w.value(k)
    }
    w.endArray()
    w.key("empty")
    w.beginArray()
    w.endArray(lineBreak: 2)
    w.endObject(lineBreak: 0)
    w.endLine()
    #expect(w.text == "{\n  \"a\": 1,\n  \"rows\": [\n    0,1,\n    2,3,\n    4], \"empty\": [\n  ]\n}\n")
  }

  @Test func integersAtTheirExtremes() {
    var w = JSONTextWriter()
    w.beginArray()
    w.value(Int64.min)
    w.value(Int64.max)
    w.value(UInt64.max)
    w.value(0)
    w.value(UInt8(255))
    w.endArray()
    #expect(w.text == "[-9223372036854775808, 9223372036854775807, 18446744073709551615, 0, 255]")
  }

  @Test(arguments: [
    (0.25, JSONTextWriter.NumberFormat.significant(6), "0.25"),
    (68_153_600.0, .significant(6), "6.81536e+07"),
    (1.0 / 3, .significant(4), "0.3333"),
    (0.96125, .decimals(4), "0.9613"),
    (12.0, .decimals(1), "12.0"),
    (Double.nan, .significant(6), "0"),
    (Double.infinity, .decimals(2), "0.00"),
  ])
  func numbersHaveOneFormatPerKind(value: Double, format: JSONTextWriter.NumberFormat, text: String) {
    var w = JSONTextWriter()
    w.value(value, format)
    #expect(w.text == text)
    #expect(JSONTextWriter.format(value, format) == text)
  }

  @Test func jsonLinesPutOneValuePerLine() {
    var w = JSONTextWriter()
    for k in 0..<2 {
      w.beginObject(.compact)
      w.member("k", k)
      w.endObject()
      w.endLine()
    }
    #expect(w.text == "{\"k\":0}\n{\"k\":1}\n")
  }
}
