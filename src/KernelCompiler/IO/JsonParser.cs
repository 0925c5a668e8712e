// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace KernelCompiler.IO
{
    /// <summary>
    /// A strict RFC 8259 parser with a depth limit. Hand-written on purpose: these files are compiled into the
    /// netstandard2.0 source generator too, and a generator must not depend on System.Text.Json being loadable in
    /// whatever compiler host runs it. Iterative over arrays and objects, recursive only to the depth limit.
    /// </summary>
    internal sealed class JsonParser
    {
        private readonly string _text;
        private readonly string? _file;
        private int _pos;

        private JsonParser(string text, string? file)
        {
            _text = text;
            _file = file;
        }

        public static JsonNode Parse(string text, string? file)
        {
            var parser = new JsonParser(text, file);
            parser.SkipWhitespace();
            if (parser._pos < text.Length && text[parser._pos] == '\uFEFF')
            {
                parser._pos++;
                parser.SkipWhitespace();
            }

            JsonNode root = parser.ParseValue(0);
            parser.SkipWhitespace();
            if (parser._pos != text.Length)
            {
                throw parser.Fail("unexpected text after the end of the document");
            }

            return root;
        }

        private JsonNode ParseValue(int depth)
        {
            if (_pos >= _text.Length) throw Fail("unexpected end of the document; expected a value");
            char ch = _text[_pos];
            switch (ch)
            {
                case '{': return ParseObject(depth + 1);
                case '[': return ParseArray(depth + 1);
                case '"': return new JsonNode(JsonKind.String, ParseString());
                case 't': ExpectWord("true"); return new JsonNode(JsonKind.True);
                case 'f': ExpectWord("false"); return new JsonNode(JsonKind.False);
                case 'n': ExpectWord("null"); return new JsonNode(JsonKind.Null);
                default:
                    if (ch == '-' || (ch >= '0' && ch <= '9')) return new JsonNode(JsonKind.Number, ParseNumber());
                    throw Fail("unexpected character " + Quote(ch) + "; expected a value");
            }
        }

        private JsonNode ParseObject(int depth)
        {
            CheckDepth(depth);
            _pos++;
            var node = new JsonNode(JsonKind.Object) { Properties = new List<KeyValuePair<string, JsonNode>>() };
            var names = new HashSet<string>(StringComparer.Ordinal);
            SkipWhitespace();
            if (Peek() == '}')
            {
                _pos++;
                return node;
            }

            while (true)
            {
                SkipWhitespace();
                if (Peek() != '"') throw Fail("expected a property name in double quotes");
                int at = _pos;
                string name = ParseString();
                if (!names.Add(name))
                {
                    _pos = at;
                    throw Fail("duplicate property \"" + name + "\"");
                }

                SkipWhitespace();
                if (Peek() != ':') throw Fail("expected ':' after a property name");
                _pos++;
                SkipWhitespace();
                node.Properties.Add(new KeyValuePair<string, JsonNode>(name, ParseValue(depth)));
                SkipWhitespace();
                char ch = Peek();
                _pos++;
                if (ch == '}') return node;
                if (ch != ',') { _pos--; throw Fail("expected ',' or '}' in an object"); }
            }
        }

        private JsonNode ParseArray(int depth)
        {
            CheckDepth(depth);
            _pos++;
            var node = new JsonNode(JsonKind.Array) { Items = new List<JsonNode>() };
            SkipWhitespace();
            if (Peek() == ']')
            {
                _pos++;
                return node;
            }

            while (true)
            {
                SkipWhitespace();
                node.Items.Add(ParseValue(depth));
                SkipWhitespace();
                char ch = Peek();
                _pos++;
                if (ch == ']') return node;
                if (ch != ',') { _pos--; throw Fail("expected ',' or ']' in an array"); }
            }
        }

        private string ParseString()
        {
            _pos++;
            StringBuilder? sb = null;
            int start = _pos;
            while (true)
            {
                if (_pos >= _text.Length) throw Fail("unterminated string");
                char ch = _text[_pos];
                if (ch == '"')
                {
                    string result = sb is null ? _text.Substring(start, _pos - start) : sb.Append(_text, start, _pos - start).ToString();
                    _pos++;
                    return result;
                }

                if (ch < ' ') throw Fail("control character in a string; escape it");
                if (ch != '\\')
                {
                    _pos++;
                    continue;
                }

                sb ??= new StringBuilder();
                sb.Append(_text, start, _pos - start);
                _pos++;
                if (_pos >= _text.Length) throw Fail("unterminated escape in a string");
                char esc = _text[_pos++];
                switch (esc)
                {
                    case '"': sb.Append('"'); break;
                    case '\\': sb.Append('\\'); break;
                    case '/': sb.Append('/'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'u':
                        if (_pos + 4 > _text.Length ||
                            !int.TryParse(_text.Substring(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                        {
                            throw Fail("\\u must be followed by four hex digits");
                        }

                        sb.Append((char)code);
                        _pos += 4;
                        break;
                    default:
                        _pos--;
                        throw Fail("invalid escape \\" + esc);
                }

                start = _pos;
            }
        }

        private string ParseNumber()
        {
            int start = _pos;
            if (Peek() == '-') _pos++;
            if (Peek() == '0')
            {
                _pos++;
            }
            else if (IsDigit(Peek()))
            {
                while (IsDigit(Peek())) _pos++;
            }
            else
            {
                throw Fail("invalid number");
            }

            if (Peek() == '.')
            {
                _pos++;
                if (!IsDigit(Peek())) throw Fail("invalid number: expected a digit after '.'");
                while (IsDigit(Peek())) _pos++;
            }

            if (Peek() == 'e' || Peek() == 'E')
            {
                _pos++;
                if (Peek() == '+' || Peek() == '-') _pos++;
                if (!IsDigit(Peek())) throw Fail("invalid number: expected a digit in the exponent");
                while (IsDigit(Peek())) _pos++;
            }

            if (_pos - start > 64) { _pos = start; throw Fail("number literal longer than 64 characters"); }
            return _text.Substring(start, _pos - start);
        }

        private void ExpectWord(string word)
        {
            if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) != 0)
            {
                throw Fail("unexpected character " + Quote(_text[_pos]) + "; expected a value");
            }

            _pos += word.Length;
        }

        private void CheckDepth(int depth)
        {
            if (depth > LutModelLimits.MaxJsonDepth)
            {
                throw Fail("nesting deeper than " + LutModelLimits.MaxJsonDepth + " levels");
            }
        }

        private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

        private static bool IsDigit(char ch) => ch >= '0' && ch <= '9';

        private void SkipWhitespace()
        {
            while (_pos < _text.Length)
            {
                char ch = _text[_pos];
                if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') break;
                _pos++;
            }
        }

        private static string Quote(char ch) => ch < ' ' || ch > '~' ? "U+" + ((int)ch).ToString("X4", CultureInfo.InvariantCulture) : "'" + ch + "'";

        private LutModelException Fail(string problem)
        {
            int line = 1, column = 1;
            for (int i = 0; i < _pos && i < _text.Length; i++)
            {
                if (_text[i] == '\n') { line++; column = 1; }
                else column++;
            }

            return new LutModelException(_file, "$", "invalid JSON at line " + line + ", column " + column + ": " + problem);
        }
    }
}
