import Foundation
import TrueNorth

/// A small builder of SVG text: rectangles, lines, polylines and text in user units, with the
/// escaping SVG needs. The result is a standalone file a browser opens.
public struct SVGWriter: Sendable {
  /// The SVG text so far (without the closing tag until `finished()`).
  public private(set) var body: String
  /// The picture's width in pixels.
  public let width: Double
  /// The picture's height in pixels.
  public let height: Double
  /// The boxes of the texts drawn so far (by `TextMetrics`), for placing more without overlap.
  public private(set) var textBoxes: [TextBox] = []

  /// An empty picture of `width` x `height` units on a white background, titled `title`.
  public init(width: Double, height: Double, title: String) {
    self.width = width
    self.height = height
    body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    body += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" "
    body += "viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" font-family=\"Helvetica, Arial, sans-serif\">\n"
    body += "<title>\(Self.escape(title))</title>\n"
    body += "<rect x=\"0\" y=\"0\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" fill=\"white\"/>\n"
  }

  /// A filled rectangle, with an optional tooltip.
  public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil, tooltip: String? = nil) {
    body += "<rect x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" fill=\"\(fill)\""
    if let stroke { body += " stroke=\"\(stroke)\" stroke-width=\"0.5\"" }
    if let tooltip { body += "><title>\(Self.escape(tooltip))</title></rect>\n" } else { body += "/>\n" }
  }

  /// A straight line.
  public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dashed: Bool = false, tooltip: String? = nil) {
    body += "<line x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\""
    if dashed { body += " stroke-dasharray=\"6 4\"" }
    if let tooltip { body += "><title>\(Self.escape(tooltip))</title></line>\n" } else { body += "/>\n" }
  }

  /// A connected line through `points`.
  public mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, width: Double = 1) {
    guard !points.isEmpty else { return }
    body += "<polyline fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\" points=\""
    body += points.map { "\(Self.n($0.x)),\(Self.n($0.y))" }.joined(separator: " ")
    body += "\"/>\n"
  }

  /// Text at (x, y); `anchor` is `start`, `middle` or `end`.
  public mutating func text(_ s: String, x: Double, y: Double, size: Double = 12, anchor: String = "start", fill: String = "#222", bold: Bool = false) {
    textBoxes.append(TextBox(of: s, x: x, y: y, size: size, anchor: anchor, bold: bold))
    body += "<text x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" font-size=\"\(Self.n(size))\" text-anchor=\"\(anchor)\" fill=\"\(fill)\""
    if bold { body += " font-weight=\"bold\"" }
    body += ">\(Self.escape(s))</text>\n"
  }

  /// Draws the text as `text` does when its box lies inside the picture and overlaps no text
  /// drawn before; otherwise draws nothing.
  /// - Returns: whether the text was drawn.
  @discardableResult
  public mutating func textIfFree(_ s: String, x: Double, y: Double, size: Double = 12, anchor: String = "start", fill: String = "#222", bold: Bool = false) -> Bool {
    let box = TextBox(of: s, x: x, y: y, size: size, anchor: anchor, bold: bold)
    guard box.isInside(width: width, height: height), !textBoxes.contains(where: { $0.overlaps(box) }) else { return false }
    text(s, x: x, y: y, size: size, anchor: anchor, fill: fill, bold: bold)
    return true
  }

  /// Whether a text would lie inside the picture and overlap no text drawn so far.
  public func isFree(_ box: TextBox) -> Bool {
    box.isInside(width: width, height: height) && !textBoxes.contains(where: { $0.overlaps(box) })
  }

  /// The complete SVG text.
  public func finished() -> String { body + "</svg>\n" }

  /// The texts of an SVG this writer made, with their boxes by `TextMetrics`, in drawing order:
  /// for checking a picture's layout (labels inside the canvas, no two overlapping).
  public static func texts(in svg: String) -> [(text: String, box: TextBox)] {
    var out: [(text: String, box: TextBox)] = []
    for line in svg.split(separator: "\n") where line.hasPrefix("<text ") {
      func attribute(_ name: String) -> String? {
        guard let r = line.range(of: " \(name)=\"") else { return nil }
        return String(line[r.upperBound...].prefix { $0 != "\"" })
      }
      guard let open = line.firstIndex(of: ">"), let close = line.range(of: "</text>", options: .backwards) else { continue }
      let text = String(line[line.index(after: open)..<close.lowerBound])
        .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
        .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
      let box = TextBox(of: text, x: Double(attribute("x") ?? "") ?? 0, y: Double(attribute("y") ?? "") ?? 0,
        size: Double(attribute("font-size") ?? "") ?? 12, anchor: attribute("text-anchor") ?? "start", bold: attribute("font-weight") == "bold")
      out.append((text, box))
    }
    return out
  }

  /// The width and height an SVG this writer made declares.
  public static func size(of svg: String) -> (width: Double, height: Double) {
    func attribute(_ name: String) -> Double {
      guard let r = svg.range(of: "<svg "), let a = svg[r.upperBound...].range(of: " \(name)=\"") else { return 0 }
      return Double(svg[a.upperBound...].prefix { $0 != "\"" }) ?? 0
    }
    return (attribute("width"), attribute("height"))
  }

  /// Escapes the characters XML reserves.
  public static func escape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for c in s {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default: out.append(c)
      }
    }
    return out
  }

  /// A number with at most two decimals and no exponent.
  static func n(_ v: Double) -> String {
    guard v.isFinite else { return "0" }
    if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
    return String(format: "%.2f", v)
  }

  /// A colour of a sequential scale (pale yellow to dark red) for `fraction` in 0...1.
  public static func heatColour(_ fraction: Double) -> String {
    let stops: [(Double, Double, Double)] = [(255, 255, 204), (254, 217, 118), (253, 141, 60), (227, 26, 28), (128, 0, 38)]
    let f = min(max(fraction.isFinite ? fraction : 0, 0), 1) * Double(stops.count - 1)
    let i = min(Int(f), stops.count - 2)
    let t = f - Double(i)
    let (a, b) = (stops[i], stops[i + 1])
    func mix(_ p: Double, _ q: Double) -> Int { Int((p + (q - p) * t).rounded()) }
    return String(format: "#%02x%02x%02x", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
  }
}
