/**
 * Words that carry no skill of their own: English function words, and the words every job
 * description and résumé uses around the skills ("experience", "strong", "ability"), and
 * the verbs that say what is done with them ("build", "improve"). They break phrases, so
 * "experience with Kubernetes" yields "kubernetes" and never "experience".
 */
export const stopWords: ReadonlySet<string> = new Set(
  `a about above across after again against all almost along also although always am among an and another any anyone
  anything are around as at be became because become been before being below between both but by can cannot could did
  do does doing done down during each either else e.g etc even ever every few for from further get gets getting given
  go had has have having he her here hers herself him himself his how however i i.e if in including inside into is it
  its itself just least less let like made make makes many may me might more most much must my myself near need needs
  neither no nor not now of off often on once one only onto or other others otherwise our ours ourselves out over own
  per perhaps please rather same she should since so some such than that the their theirs them themselves then there
  these they this those though through throughout thus to together too toward towards under until up upon us use used
  using very via was we well were what whatever when where whether which while who whom whose why will with within
  without would yet you your yours yourself yourselves
  ability able across additional apply applicant applicants candidate candidates company day days desired duties
  environment excellent exceptional experience experienced familiarity familiar good great highly ideal ideally
  including job join knowledge level looking new opportunity plus position preferred proficiency proficient proven
  qualification qualifications relevant required requirement requirements responsibilities responsibility role seeking
  skill skills solid strong successful understanding various want way ways work working year years
  build building create creating ensure ensuring help helping improve improving maintain measure provide providing
  related run running write`.split(/\s+/),
);

/** A word's form for matching: a plural's singular, so "APIs" meets "API" and "dashboards" "dashboard". */
export function stem(word: string): string {
  if (/['’]s$/.test(word)) return word.slice(0, -2);
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !/(?:ss|us|sis|xis)$/.test(word)) return word.slice(0, -1);
  return word;
}
