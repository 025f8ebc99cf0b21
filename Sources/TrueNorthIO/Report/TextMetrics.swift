/// Widths of text in the pictures' font, so that titles, labels and legends are placed where
/// they do not overlap and stay inside the picture.
///
/// The table holds Helvetica's advance widths (Arial has the same) for printable ASCII in
/// thousandths of an em; other characters count as 0.6 em. Widths are multiplied by `slack`
/// (10%), since a viewer without Helvetica or Arial falls back to a wider sans-serif (DejaVu
/// Sans), and bold text by a further 7%.
public enum TextMetrics {
  /// The margin on every measured width for fallback fonts.
  public static let slack = 1.2

  /// Helvetica's widths of the characters 32 (space) ... 126 (`~`), in 1/1000 em.
  static let widths: [Double] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,  // space ... /
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,  // 0 ... ?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,  // @ ... O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,  // P ... _
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,  // ` ... o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,  // p ... ~
  ]

  /// The width of `text` at `size` (font size in px), with the fallback margin.
  /// - Complexity: O(characters).
  public static func width(_ text: String, size: Double, bold: Bool = false) -> Double {
    var em = 0.0
    for scalar in text.unicodeScalars {
      let v = Int(scalar.value)
      em += v >= 32 && v <= 126 ? widths[v - 32] : 600
    }
    return em / 1000 * size * slack * (bold ? 1.07 : 1)
  }

  /// The height a line of text occupies: from `ascent` above the baseline to `descent` below.
  public static func ascent(size: Double) -> Double { size * 0.78 }
  /// The depth below the baseline.
  public static func descent(size: Double) -> Double { size * 0.24 }

  /// `text` broken at spaces into lines no wider than `width` (a word wider than that on a line
  /// of its own).
  public static func wrap(_ text: String, width: Double, size: Double, bold: Bool = false) -> [String] {
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ", omittingEmptySubsequences: false) {
      let candidate = line.isEmpty ? String(word) : line + " " + word
      if !line.isEmpty && Self.width(candidate, size: size, bold: bold) > width {
        lines.append(line)
        line = String(word)
      } else {
        line = candidate
      }
    }
    if !line.isEmpty || lines.isEmpty { lines.append(line) }
    return lines
  }
}

/// A rectangle a text occupies, in picture units (y down).
public struct TextBox: Sendable, Equatable {
  /// The left edge.
  public var x: Double
  /// The top edge.
  public var y: Double
  /// The width.
  public var width: Double
  /// The height.
  public var height: Double

  /// A box.
  public init(x: Double, y: Double, width: Double, height: Double) {
    self.x = x
    self.y = y
    self.width = width
    self.height = height
  }

  /// The box of `text` drawn at (x, y) (y the baseline) with `anchor` start, middle or end.
  public init(of text: String, x: Double, y: Double, size: Double, anchor: String = "start", bold: Bool = false) {
    let w = TextMetrics.width(text, size: size, bold: bold)
    self.x = anchor == "middle" ? x - w / 2 : anchor == "end" ? x - w : x
    self.y = y - TextMetrics.ascent(size: size)
    self.width = w
    self.height = TextMetrics.ascent(size: size) + TextMetrics.descent(size: size)
  }

  /// Whether the two boxes share more than `tolerance` in both directions.
  public func overlaps(_ other: TextBox, tolerance: Double = 0.5) -> Bool {
    min(x + width, other.x + other.width) - max(x, other.x) > tolerance
      && min(y + height, other.y + other.height) - max(y, other.y) > tolerance
  }

  /// Whether the box lies inside a `width` x `height` picture.
  public func isInside(width w: Double, height h: Double) -> Bool {
    x >= -0.01 && y >= -0.01 && x + width <= w + 0.01 && y + height <= h + 0.01
  }
}
