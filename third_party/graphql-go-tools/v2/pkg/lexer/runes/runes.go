// Package runes contains all possible 'special' runes in a GraphQL document
package runes

const (
	EOF            = 0
	COLON          = ':'
	BANG           = '!'
	CARRIAGERETURN = '\r'
	LINETERMINATOR = '\n'
	TAB            = '\t'
	SPACE          = ' '
	COMMA          = ','
	HASHTAG        = '#'
	QUOTE          = '"'
	BACKSLASH      = '\\'
	DOT            = '.'
	EXPONENT_LOWER = 'e'
	EXPONENT_UPPER = 'E'
	AT             = '@'
	DOLLAR         = '$'
	PIPE           = '|'
	SLASH          = '/'
	EQUALS         = '='
	SUB            = '-'
	ADD            = '+'
	AND            = '&'
	UNDERSCORE     = '_'

	LPAREN = '('
	RPAREN = ')'
	LBRACK = '['
	RBRACK = ']'
	LBRACE = '{'
	RBRACE = '}'
)
