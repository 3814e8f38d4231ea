/**
 * The URL corpus the privacy rules are checked against (reliability research, test V2): URLs
 * that carry something that identifies or authenticates a person, each with the canary string
 * that must not survive scrubbing, and URLs that must come through unchanged.
 */

export const EMAIL = 'ann.lee+promo@mail.example.org'
export const EMAIL_ENCODED = 'ann.lee%2Bpromo%40mail.example.org'
export const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlLWNhbmFyeQ'
/** A 128-bit base64url secret, the shape of reset and magic-link tokens. */
export const TOKEN = 'Zx8Kq2Lm9Tr4Vb7Np3Wc6Yd1'
export const HEX = 'cafe0123beef4567dead89abfeed0123'
export const UUID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301'
/** A short secret: found only by the name it travels under. */
export const SHORT = 'Hunter2Canary'

/**
 * E-mail addresses under internationalised domains: the address is as personal as any other, and
 * its top-level domain is not made of Latin letters.
 */
export const IDN_EMAILS = [
  'anna.canary@пример.рф',
  'hanako.canary@例え.テスト',
  'li.canary@邮件.中国',
  'ravi.canary@उदाहरण.भारत',
  'sami.canary@مثال.مصر',
  'eleni.canary@παράδειγμα.ελ',
  'anna.canary@xn--e1afmkfd.xn--p1ai',
]

/** Parameter names under which any value is a secret or personal. */
export const SECRET_NAMES = [
  'token', 'access_token', 'id_token', 'refresh_token', 'auth_token', 'authenticity_token', 'oauth_token',
  'accessToken', 'TOKEN', 'id_token_hint', 'api_key', 'apikey', 'apiKey', 'key', 'access-key', 'secret',
  'client_secret', 'password', 'Password', 'passwd', 'pwd', 'pass', 'new_password', 'session', 'session_id',
  'sessionid', 'sid', 'PHPSESSID', 'JSESSIONID', 'ASP.NET_SessionId', 'connect.sid', 'session_state', 'code',
  'state', 'auth_code', 'authCode', 'otp', 'nonce', 'signature', 'sig', 'X-Amz-Signature', 'X-Amz-Credential',
  'hmac', 'csrf_token', '_csrf', 'xsrf', 'email', 'Email', 'e-mail', 'user_email', 'emailAddress', 'mail', 'phone',
  'tel', 'mobile', 'username', 'user', 'user_id', 'login', 'ticket', 'magic', 'magic_link', 'code_verifier',
  'oauth_verifier', 'SAMLResponse', 'SAMLRequest', 'jwt', 'bearer', 'assertion', 'pin', 'first_name', 'lastName',
  'fullname', 'card_number', 'cvv', 'cvc', 'iban', 'ssn', 'auth', 'credential',
  // camelCase, run-together and short names of the same things (issue 8, item 11)
  'pw', 'PW', 'pword', 'passcode', 'passCode', 'passphrase', 'passkey', 'userPass', 'user_pass', 'userpass',
  'newPwd', 'pinCode', 'PIN', 'otpCode', 'totp', 'mfaCode', 'authKey', 'AuthKey', 'authkey', 'accessKey',
  'AWSAccessKeyId', 'secretKey', 'privateKey', 'signingKey', 'apiSecret', 'xApiKey', 'X-Api-Key', 'authToken',
  'sessionKey', 'SessionToken', 'authorization', 'Authorization', 'cardNumber', 'CardNumber', 'cardNo',
  'cardnumber', 'cc-number', 'cc_number', 'ccNumber', 'ccnum', 'cc', 'cc-exp', 'cc-csc', 'ccv', 'cardCvc',
  'cvv2', 'CVV', 'creditCard', 'debitCard', 'securityCode', 'userName', 'UserID', 'userId', 'emailAddr',
  'phoneNumber', 'mobileNo', 'telNo', 'firstName', 'givenName', 'familyName', 'surname', 'dob', 'birthDate',
  'dateOfBirth', 'socialSecurityNumber', 'passportNumber', 'login_hint', 'loginHint',
]

/** Values that give someone away under any name. */
export const SHAPED_VALUES: Array<[label: string, raw: string, canary: string]> = [
  ['e-mail', EMAIL_ENCODED, EMAIL],
  ['e-mail, @ unencoded', 'bob@example.com', 'bob@example.com'],
  ['JWT', JWT, JWT],
  ['base64 token', TOKEN, TOKEN],
  ['hex hash', HEX, HEX],
  ['upper-case hex', HEX.toUpperCase(), HEX.toUpperCase()],
  ['UUID', UUID, UUID],
  ['nested URL with a token', encodeURIComponent(`https://app.example/cb?token=${SHORT}`), SHORT],
  ['nested path with an OAuth code', encodeURIComponent(`/callback?code=${SHORT}&state=abc`), SHORT],
  ['nested URL with a token fragment', encodeURIComponent(`https://app.example/#access_token=${SHORT}`), SHORT],
  // e-mail addresses whose domain is not in Latin letters, raw and percent-encoded
  ['e-mail, Cyrillic domain', encodeURIComponent(`${IDN_EMAILS[0]}`), IDN_EMAILS[0]],
  ['e-mail, Japanese domain, raw', IDN_EMAILS[1], IDN_EMAILS[1]],
  ['e-mail, Chinese top-level domain', encodeURIComponent(IDN_EMAILS[2]), IDN_EMAILS[2]],
  ['e-mail, Devanagari domain', encodeURIComponent(IDN_EMAILS[3]), IDN_EMAILS[3]],
  ['e-mail, Arabic domain', encodeURIComponent(IDN_EMAILS[4]), IDN_EMAILS[4]],
  ['e-mail, Greek domain', encodeURIComponent(IDN_EMAILS[5]), IDN_EMAILS[5]],
  ['e-mail, punycode domain', IDN_EMAILS[6], IDN_EMAILS[6]],
]

const INNOCENT_NAMES = ['ref', 'next', 'u', 'redirect_uri', 'q']

const BASES = [
  'https://shop.example/checkout',
  'https://shop.example/checkout?utm_source=newsletter&utm_medium=email&utm_campaign=spring%20sale',
  'http://127.0.0.1:8080/a/b/?page=2&gclid=Cj0KCQiA4L67BhDUARIsADWrl7Ga-1DqFzxGhS1_aBcD',
]

/** Puts `pair` into `base`'s query, before its own parameters when it has some. */
const withParam = (base: string, pair: string): string => {
  const [head, query] = base.split('?')
  return `${head}?${query ? `${pair}&${query}` : pair}`
}

/** [url, canary, what it covers] */
export const SECRET_URLS: Array<[string, string, string]> = [
  ...SECRET_NAMES.flatMap((name) =>
    BASES.map((base): [string, string, string] => [withParam(base, `${encodeURIComponent(name)}=${SHORT}`), SHORT, `?${name}=`]),
  ),
  ...SHAPED_VALUES.flatMap(([label, raw, canary]) =>
    INNOCENT_NAMES.map((name): [string, string, string] => [`https://shop.example/landing?${name}=${raw}&page=1`, canary, `${label} in ?${name}=`]),
  ),
  // e-mails as a parameter name, twice, or in a utm value
  [`https://shop.example/?${EMAIL_ENCODED}`, EMAIL, 'e-mail as a bare parameter'],
  [`https://shop.example/?to=a%40b.example&to=${EMAIL_ENCODED}`, EMAIL, 'repeated parameter'],
  [`https://shop.example/?utm_term=${EMAIL_ENCODED}&utm_source=x`, EMAIL, 'e-mail in a utm value'],
  [`https://shop.example/?a=1&email=${EMAIL_ENCODED}&b=2`, EMAIL, 'e-mail between parameters'],
  [`https://shop.example/?EMAIL=${EMAIL_ENCODED}`, EMAIL, 'upper-case name'],
  [`https://shop.example/?e=${EMAIL}`, EMAIL, 'raw + and @'],
  // OAuth and OIDC redirects
  [`https://app.example/callback?code=4%2F0AdQt8qh${SHORT}&state=${SHORT}2&scope=email`, SHORT, 'OAuth code flow'],
  [`https://app.example/callback#access_token=${SHORT}&token_type=Bearer&expires_in=3600`, SHORT, 'implicit flow fragment'],
  [`https://app.example/callback#id_token=${JWT}&state=xyz`, JWT, 'OIDC id_token fragment'],
  [`https://app.example/callback#access_token=${SHORT}&id_token=${JWT}`, JWT, 'access and id token fragment'],
  [`https://app.example/callback#state=x&code=${SHORT}`, SHORT, 'hybrid flow fragment'],
  [`https://app.example/#${JWT}`, JWT, 'bare JWT fragment'],
  [`https://app.example/#${EMAIL_ENCODED}`, EMAIL, 'e-mail fragment'],
  [`https://app.example/#${TOKEN}`, TOKEN, 'token fragment'],
  [`https://app.example/article#:~:text=${SHORT}`, SHORT, 'text fragment'],
  [`https://app.example/#/reset?token=${SHORT}&step=2`, SHORT, 'hash-route query'],
  [`https://app.example/#!/verify/${TOKEN}`, TOKEN, 'hashbang route segment'],
  [`https://app.example/#/users/${EMAIL_ENCODED}`, EMAIL, 'hash-route e-mail segment'],
  [`https://app.example/#/login?next=%2Fcb%3Fcode%3D${SHORT}`, SHORT, 'hash-route nested code'],
  // implicit-flow answers after a hash route (an SPA's router puts the `/` in front)
  [`https://app.example/#/access_token=${SHORT}&token_type=Bearer&expires_in=3600`, SHORT, 'implicit flow after #/'],
  [`https://app.example/#!/access_token=${SHORT}&token_type=Bearer`, SHORT, 'implicit flow after #!/'],
  [`https://app.example/#/id_token=${JWT}&state=xyz`, JWT, 'OIDC id_token after #/'],
  [`https://app.example/#/state=xyz&access_token=${SHORT}`, SHORT, 'implicit flow after #/, token second'],
  [`https://app.example/#/callback/access_token=${SHORT}&token_type=Bearer`, SHORT, 'implicit flow as a route segment'],
  [`https://app.example/#/callback&access_token=${SHORT}&token_type=Bearer`, SHORT, 'implicit flow glued to a route'],
  [`https://app.example/#/callback#access_token=${SHORT}&token_type=Bearer`, SHORT, 'implicit flow in a fragment after a route'],
  [`https://app.example/#/callback?x=1#access_token=${SHORT}`, SHORT, 'implicit flow after a route and its query'],
  [`https://app.example/#/auth/code=${SHORT}&state=abc`, SHORT, 'OAuth code as a route segment'],
  [`https://app.example/cb/access_token=${SHORT}&token_type=Bearer`, SHORT, 'implicit flow as a path segment'],
  // e-mail addresses with non-Latin domains in paths, fragments and hash routes
  ...IDN_EMAILS.map((address): [string, string, string] => [`https://app.example/u/${address}/settings`, address, `${address} in a path`]),
  ...IDN_EMAILS.map((address): [string, string, string] => [`https://app.example/u/${encodeURIComponent(address)}/settings`, address, `${address} percent-encoded in a path`]),
  [`https://app.example/#${encodeURIComponent(IDN_EMAILS[0]!)}`, IDN_EMAILS[0]!, 'IDN e-mail fragment'],
  [`https://app.example/#/users/${IDN_EMAILS[1]}`, IDN_EMAILS[1]!, 'IDN e-mail hash-route segment'],
  [`https://app.example/?${encodeURIComponent(IDN_EMAILS[2]!)}`, IDN_EMAILS[2]!, 'IDN e-mail as a bare parameter'],
  [`mailto:${IDN_EMAILS[3]}`, IDN_EMAILS[3]!, 'IDN mailto'],
  // magic and reset links in paths
  [`https://app.example/login/magic/${TOKEN}`, TOKEN, 'magic link token'],
  [`https://app.example/reset-password/${HEX}`, HEX, 'reset link hash'],
  [`https://app.example/invite/${UUID}/accept`, UUID, 'invite UUID'],
  [`https://app.example/verify/${JWT}`, JWT, 'JWT in a path'],
  [`https://app.example/u/${EMAIL_ENCODED}/settings`, EMAIL, 'e-mail in a path'],
  [`https://app.example/unsubscribe/${EMAIL}`, EMAIL, 'raw e-mail in a path'],
  [`https://app.example/s/${TOKEN}.pdf`, TOKEN, 'signed file link'],
  [`https://app.example/account;jsessionid=${SHORT}`, SHORT, 'servlet session path parameter'],
  [`https://app.example/a;jsessionid=${SHORT}/b?x=1`, SHORT, 'path parameter mid-path'],
  // user info
  [`https://ann:${SHORT}@app.example/`, SHORT, 'user and password'],
  [`https://${EMAIL_ENCODED}:pw@app.example/`, EMAIL, 'e-mail as user name'],
  [`https://${SHORT}@app.example/dashboard`, SHORT, 'token as user name'],
  [`ftp://ann:${SHORT}@files.example/report.csv`, SHORT, 'ftp user info'],
  // signed URLs
  [`https://bucket.s3.example/f.pdf?X-Amz-Algorithm=AWS4&X-Amz-Credential=${SHORT}%2F2026&X-Amz-Signature=${HEX}`, SHORT, 'S3 signed URL'],
  [`https://cdn.example/v.mp4?Expires=1&Signature=${SHORT}&Key-Pair-Id=APKA`, SHORT, 'CloudFront signed URL'],
  [`https://app.example/sso?SAMLResponse=${SHORT}%3D%3D&RelayState=%2F`, SHORT, 'SAML response'],
  // things that are not URLs
  [`mailto:${EMAIL}`, EMAIL, 'mailto'],
  [`${EMAIL} is not a URL`, EMAIL, 'not a URL, with an e-mail'],
  [`garbage ${JWT}`, JWT, 'not a URL, with a JWT'],
]

/** [input, expected output] */
export const KEPT_URLS: Array<[string, string]> = [
  ...[
    'https://shop.example/',
    'https://shop.example/pricing',
    'https://shop.example/blog/my-first-post-about-2024-trends',
    'https://shop.example/products/sku-12345?color=red&size=m',
    'https://shop.example/search?q=running+shoes&page=2',
    'https://shop.example/search?q=caf%C3%A9%20cr%C3%A8me',
    'https://shop.example/search?keyword=keys&sort=price',
    'https://shop.example/cart?promo_code=SPRING24',
    'https://shop.example/stores?country_state=CA&zip_code=94103',
    'https://shop.example/orders/1234567',
    'https://shop.example/docs#installation',
    'https://shop.example/docs#section-2.1',
    'https://app.example/#/pricing',
    'https://app.example/#/pricing?plan=pro&period=year',
    'https://app.example/#!/plans',
    'https://shop.example/?utm_source=newsletter&utm_medium=email&utm_campaign=spring%20sale',
    'https://shop.example/?utm_source=newsletter&utm_medium=email&utm_campaign=spring+sale&utm_term=caf%C3%A9&utm_content=hero~1',
    // The browser's own location.href already has ' as %27: the URL standard encodes it.
    'https://shop.example/?utm_campaign=it%27s!(*)&utm_id=42',
    'https://shop.example/?utm_source=Google&utm_medium=CPC&UTM_CAMPAIGN=Brand',
    'https://shop.example/?gclid=Cj0KCQiA4L67BhDUARIsADWrl7Ga-1DqFzxGhS1_aBcD',
    'https://shop.example/?gbraid=0AAAAADv8Gx8Q1bZ2Kq&wbraid=CjkKCQiA4L67BhDUARIsADWr',
    'https://shop.example/?fbclid=IwAR2F4-Dbp6Jx8cTq1ZkT9xWm0fG3a_Lp7Yq8Rk2Xv4',
    'https://shop.example/?msclkid=cafe0123beef4567dead89abfeed0123',
    'https://shop.example/?ttclid=E.C.P.CqgBf2Y8ZkT9xWm0fG3a&li_fat_id=3f2504e0-4f89-41d3-9a0c-0305e82c3301',
    'https://shop.example/?twclid=2-7abc9def0ghi1jkl2mno3pqr&rdt_cid=1234567890123456789',
    'https://shop.example/?dclid=CJ2x8ZkT9xWm0fG3aLp7Yq8Rk2Xv4&gad_source=1',
    'https://shop.example/?mc_cid=0a1b2c3d4e&mc_eid=cafe0123beef4567dead89abfeed0123',
    'https://shop.example/?yclid=1234567890123456789&irclid=Zx8Kq2Lm9Tr4Vb7Np3Wc6Yd1',
    'https://shop.example/?utm_source=a&gclid=Zx8Kq2Lm9Tr4Vb7Np3Wc6Yd1&utm_medium=cpc',
    'https://shop.example/?v=3&lang=en',
    'https://shop.example/a/b/c.html?x=1&y=2&z=3',
    'http://127.0.0.1:5173/dev/page?debug=1',
    'https://shop.example/@ann/posts',
    'https://shop.example/files/report-2024-q3.pdf',
    'https://shop.example/?ref=producthunt',
    'https://shop.example/?next=%2Faccount%2Fsettings',
    'https://shop.example/?redirect=https%3A%2F%2Fshop.example%2Fcart%3Fstep%3D2',
    'https://shop.example/?a=&b=1',
    'https://shop.example/?flag',
    // names that only look like the credential words, and words that contain them
    'https://shop.example/flights?passengers=2&compass=north&bypass_cache=1',
    'https://shop.example/?design=modern&keyboard=de&monkey=1&hotel=5&pinned=true',
    'https://shop.example/?author=jane&cardigan=blue&scorecard=7',
    'https://shop.example/?sort=price&experiment=b&keys=3',
    'https://shop.example/search?q=pin+code+lookup',
    'https://app.example/#/plans/pro',
    'https://app.example/#/search?q=a%3Db',
    'https://app.example/#/docs#install',
    'https://maps.example/place/@52.5,13.4,15z/data=!3m1!4b1',
    'android-app://com.google.android.gm/',
  ].map((url): [string, string] => [url, url]),
  // trailing separators go; nothing else changes
  ['https://shop.example/pricing?', 'https://shop.example/pricing'],
  ['https://shop.example/pricing#', 'https://shop.example/pricing'],
  ['https://shop.example/pricing?&&utm_source=x&', 'https://shop.example/pricing?utm_source=x'],
  // removals leave the neighbours byte for byte
  [
    `https://shop.example/?utm_source=news&token=${SHORT}&utm_campaign=spring%20sale&email=${EMAIL_ENCODED}&gclid=Cj0_x-1`,
    'https://shop.example/?utm_source=news&utm_campaign=spring%20sale&gclid=Cj0_x-1',
  ],
  [`https://app.example/#/reset?token=${SHORT}&step=2`, 'https://app.example/#/reset?step=2'],
  [`https://app.example/login/magic/${TOKEN}?utm_source=mail`, 'https://app.example/login/magic/redacted?utm_source=mail'],
  [`https://ann:pw@app.example/x`, 'https://app.example/x'],
  [`https://app.example/account;jsessionid=${SHORT};lang=en`, 'https://app.example/account;lang=en'],
  [`https://app.example/callback?code=x&state=y#access_token=z`, 'https://app.example/callback'],
  // relative URLs resolve against the page
  ['/pricing?plan=pro', 'http://localhost:3000/pricing?plan=pro'],
  ['', ''],
  ['not a url at all', 'http://localhost:3000/not%20a%20url%20at%20all'],
]
