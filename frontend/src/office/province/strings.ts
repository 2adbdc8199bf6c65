/** The provincial office's dashboard strings, in Thai and English. */

export const th = {
  op_league: 'ตารางอันดับ',
  op_choropleth: 'แผนที่เปรียบเทียบ',
  op_trends: 'แนวโน้ม',
  op_compare: 'เปรียบเทียบ อปท.',
};

export type ProvinceKey = keyof typeof th;

export const en: Record<ProvinceKey, string> = {
  op_league: 'League table',
  op_choropleth: 'Map',
  op_trends: 'Trends',
  op_compare: 'Compare LGOs',
};
