using System.Net;
using System.Text;
using MimeKit.Text;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// What Exchange does when a client asks for a body in the other format: plain text becomes an HTML document with
/// the text escaped in a &lt;pre&gt; block; HTML becomes its text content, with line breaks for block elements and
/// without scripts, styles and the head.
/// </summary>
internal static class BodyConversion
{
    private static readonly HashSet<string> BlockTags = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre", "ul", "ol", "hr",
    };

    private static readonly HashSet<string> InvisibleTags = new(StringComparer.OrdinalIgnoreCase) { "script", "style", "head", "title" };

    public static string TextToHtml(string text) =>
        "<html>\r\n<head>\r\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\r\n</head>\r\n<body>\r\n<pre>" +
        WebUtility.HtmlEncode(text) + "</pre>\r\n</body>\r\n</html>\r\n";

    public static string HtmlToText(string html)
    {
        var text = new StringBuilder(html.Length / 2);
        var invisibleDepth = 0;
        var preformatted = 0;
        using var reader = new StringReader(html);
        var tokenizer = new HtmlTokenizer(reader);
        while (tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlTagToken tag when InvisibleTags.Contains(tag.Name):
                    if (!tag.IsEmptyElement)
                    {
                        invisibleDepth = Math.Max(0, invisibleDepth + (tag.IsEndTag ? -1 : 1));
                    }

                    break;
                case HtmlTagToken tag when tag.Name.Equals("br", StringComparison.OrdinalIgnoreCase):
                    text.Append("\r\n");
                    break;
                case HtmlTagToken tag when BlockTags.Contains(tag.Name):
                    if (tag.Name.Equals("pre", StringComparison.OrdinalIgnoreCase) && !tag.IsEmptyElement)
                    {
                        preformatted = Math.Max(0, preformatted + (tag.IsEndTag ? -1 : 1));
                    }

                    EndLine(text);
                    break;
                case HtmlDataToken data when invisibleDepth == 0:
                    AppendData(text, data.Data, preformatted > 0);
                    break;
            }
        }

        return text.ToString().Trim();
    }

    private static void EndLine(StringBuilder text)
    {
        if (text.Length > 0 && text[^1] != '\n')
        {
            text.Append("\r\n");
        }
    }

    /// <summary>Outside &lt;pre&gt;, runs of HTML white space (not &amp;nbsp;) are one space, as a browser renders them.</summary>
    private static void AppendData(StringBuilder text, string data, bool preformatted)
    {
        if (preformatted)
        {
            text.Append(data);
            return;
        }

        foreach (var character in data)
        {
            if (character is ' ' or '\t' or '\r' or '\n' or '\f')
            {
                if (text.Length > 0 && text[^1] is not (' ' or '\n'))
                {
                    text.Append(' ');
                }
            }
            else
            {
                text.Append(character);
            }
        }
    }
}
