import Testing
@testable import TrueNorth
@testable import TrueNorthIO

@Suite struct JSONTests {
  @Test func keepsKeyOrderRepeatedKeysAndLines() throws {
    let node = try JSONNode.parse("{\"core\": 1,\n \"b\": [1, 2, -3],\n \"core\": {\"x\": 2.5e1}}")
    guard case .object(let m) = node.value else {
      Issue.record("not an object")
      return
    }
    #expect(m.map(\.key) == ["core", "b", "core"])
    #expect(m[1].value.value == .integers([1, 2, -3]))
    #expect(m[1].value.line == 2)
    #expect(m[2].value.line == 3)
    guard case .object(let inner) = m[2].value.value else { return }
    #expect(inner[0].value.value == .double(25))
  }

  @Test func stringsAndEscapes() throws {
    let node = try JSONNode.parse(#"["a\"b\\c\n\u00e9\ud83d\ude00", true, false, null, 9223372036854775807, 1e400]"#)
    guard case .array(let a) = node.value else {
      Issue.record("not an array")
      return
    }
    #expect(a[0].value == .string("a\"b\\c\né😀"))
    #expect(a[1].value == .bool(true))
    #expect(a[3].value == .null)
    #expect(a[4].value == .integer(Int64.max))
    #expect(a[5].value == .double(.infinity))
  }

  @Test(arguments: [
    ("{\"a\": 1,}", 1, "expected a quoted key"),
    ("[1, 2", 1, "unexpected end of file"),
    ("{\n\n  \"a\": tru }", 3, "invalid literal"),
    ("\"abc", 1, "unterminated string"),
    ("[1] x", 1, "unexpected text after"),
    ("[01.]", 1, "no digits after"),
  ])
  func syntaxErrorsNameTheLine(text: String, line: Int, message: String) {
    do {
      _ = try JSONNode.parse(text)
      Issue.record("parsed invalid JSON \(text)")
    } catch {
      #expect(error.line == line)
      #expect(error.message.contains(message), "\(error.message)")
    }
  }
}
