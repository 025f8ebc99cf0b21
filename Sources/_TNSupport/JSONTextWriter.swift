/// A small, fast builder of JSON text: strings escaped, keys in the order written.
public struct JSONTextWriter {
  public var bytes: [UInt8] = []

  public init() { bytes.reserveCapacity(1 << 16) }

  public mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

  public mutating func string(_ s: String) {
    bytes.append(UInt8(ascii: "\""))
    for u in s.utf8 {
      switch u {
      case UInt8(ascii: "\""): raw("\\\"")
      case UInt8(ascii: "\\"): raw("\\\\")
      case 0x0A: raw("\\n")
      case 0x0D: raw("\\r")
      case 0x09: raw("\\t")
      case 0..<0x20:
        let hex = String(u, radix: 16)
        raw("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
      default: bytes.append(u)
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }

  public mutating func intArray(_ values: [Int64]) {
    bytes.append(UInt8(ascii: "["))
    for (i, v) in values.enumerated() {
      if i > 0 { bytes.append(UInt8(ascii: ",")) }
      raw(String(v))
    }
    bytes.append(UInt8(ascii: "]"))
  }
}
