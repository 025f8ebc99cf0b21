/// Text from a file made safe for one line of a terminal: every control character, DEL, C1
/// control and byte that is not UTF-8 written as an escape (`\n`, `\t`, `\u{1B}`, `\x{FF}` for
/// a raw byte), and text longer than `limit` characters cut in the middle with a note of how
/// much was left out, so that the end (usually what is allowed) stays.
///
/// Every `InputError` description goes through this; use it for any other message that quotes
/// a file.
/// - Parameters:
///   - text: the text, possibly holding raw bytes decoded as U+FFFD.
///   - limit: the most characters kept (at least 40).
/// - Returns: the escaped, shortened text.
public func _printable(_ text: some StringProtocol, limit: Int = 400) -> String {
  var out = ""
  var count = 0
  let keepHead = max(limit, 40) * 2 / 3
  let keepTail = max(limit, 40) - keepHead
  let scalars = Array(text.unicodeScalars)
  func escaped(_ u: Unicode.Scalar) -> String {
    switch u {
    case "\n": return "\\n"
    case "\r": return "\\r"
    case "\t": return "\\t"
    case "\u{FFFD}": return "\\u{FFFD}"
    default:
      if u.value < 0x20 || u.value == 0x7F || (0x80..<0xA0).contains(u.value) {
        return "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
      }
      return String(u)
    }
  }
  guard scalars.count > max(limit, 40) else {
    for u in scalars { out += escaped(u) }
    return out
  }
  for u in scalars[..<keepHead] { out += escaped(u) }
  count = scalars.count - keepHead - keepTail
  out += " ... (\(count) characters left out) ... "
  for u in scalars[(scalars.count - keepTail)...] { out += escaped(u) }
  return out
}
